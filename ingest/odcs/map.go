package odcs

import (
	"encoding/json"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ontology"
)

// logicalDatatypes maps ODCS logical types to the XSD datatype of their
// values. Objects and arrays have no datatype: objects get a nested node
// shape, arrays take their items' datatype.
var logicalDatatypes = map[string]string{
	"string":    rdf.XSDString,
	"date":      rdf.XSDDate,
	"timestamp": rdf.XSDDateTime,
	"time":      rdf.XSDTime,
	"number":    rdf.XSDDecimal,
	"integer":   rdf.XSDInteger,
	"boolean":   rdf.XSDBoolean,
}

// classifications maps the classification strings kplane knows (compared
// case-insensitively) to its classification individuals. Other strings are
// kept as kplane:classificationName literals.
var classifications = map[string]string{
	"public":       ontology.KplanePublic,
	"internal":     ontology.KplaneInternal,
	"confidential": ontology.KplaneConfidential,
	"pii":          ontology.KplanePII,
}

// mapper accumulates the quads of one contract.
type mapper struct {
	opts   Options
	c      *Contract
	base   string // contract IRI that shape IRIs are built on
	quads  []rdf.Quad
	blanks int
}

func (m *mapper) add(s rdf.Term, p string, o rdf.Term) {
	m.quads = append(m.quads, rdf.Quad{S: s, P: rdf.IRI(p), O: o})
}

// str adds a plain string literal unless it is empty.
func (m *mapper) str(s rdf.Term, p, v string) {
	if v != "" {
		m.add(s, p, rdf.String(v))
	}
}

// iriOrString adds v as an IRI when it is an absolute IRI, else as a
// string.
func (m *mapper) iriOrString(s rdf.Term, p, v string) {
	if v == "" {
		return
	}
	if rdf.IsAbsoluteIRI(v) && !strings.ContainsAny(v, " <>\"{}|\\^`") {
		m.add(s, p, rdf.IRI(v))
		return
	}
	m.add(s, p, rdf.String(v))
}

// blank returns a fresh generated blank node; the leading '-' keeps it
// apart from any label a document could use.
func (m *mapper) blank() rdf.Term {
	m.blanks++
	return rdf.Blank("-g" + strconv.Itoa(m.blanks))
}

// fragment names a part of the contract: the contract IRI with the part as
// its fragment.
func (m *mapper) fragment(part string) rdf.Term {
	part = url.PathEscape(part)
	if strings.Contains(m.base, "#") {
		return rdf.IRI(m.base + "-" + part)
	}
	return rdf.IRI(m.base + "#" + part)
}

func (m *mapper) contract(c rdf.Term) {
	m.base = c.Value
	k := m.c
	m.add(c, rdf.RDFType, rdf.IRI(ontology.KplaneDataContract))
	m.add(c, rdf.RDFType, rdf.IRI(ontology.DCTermsStandard))
	m.str(c, ontology.DCTermsIdentifier, k.ID)
	m.str(c, ontology.DCTermsTitle, k.Name)
	m.str(c, ontology.DCATVersion, k.Version)
	m.str(c, ontology.KplaneContractStatus, k.Status)
	m.str(c, ontology.KplaneTenant, k.Tenant)
	m.str(c, ontology.KplaneDataProductName, k.DataProduct)
	if k.Domain != "" {
		m.str(c, ontology.KplaneDomainName, k.Domain)
		if m.opts.DomainBase != "" {
			m.add(c, ontology.KplaneOwnerDomain, rdf.IRI(m.opts.DomainBase+url.PathEscape(k.Domain)))
		}
	}
	for _, t := range k.Tags {
		m.str(c, ontology.DCATKeyword, t)
	}
	if d := k.Description; d != nil {
		m.str(c, ontology.DCTermsDescription, d.Purpose)
		m.str(c, ontology.KplaneUsage, d.Usage)
		m.str(c, ontology.KplaneLimitations, d.Limitations)
		m.definitions(c, d.AuthoritativeDefinitions)
		m.customProperties(c, d.CustomProperties)
	}
	if ts := k.ContractCreatedTs; ts != "" {
		if _, err := time.Parse(time.RFC3339Nano, ts); err == nil {
			m.add(c, ontology.DCTermsCreated, rdf.Literal(ts, rdf.XSDDateTime))
		} else {
			m.add(c, ontology.DCTermsCreated, rdf.String(ts))
		}
	}
	m.definitions(c, k.AuthoritativeDefinitions)
	m.customProperties(c, k.CustomProperties)
	for _, obj := range k.Schema {
		m.schemaObject(c, obj)
	}
	for _, s := range k.Servers {
		m.server(c, s)
	}
	if k.Team != nil {
		m.team(c, k.Team)
	}
	for _, sla := range k.SLAProperties {
		m.sla(c, sla)
	}
	for _, s := range k.Support {
		n := m.blank()
		m.add(c, ontology.KplaneSupportChannel, n)
		m.str(n, ontology.RDFSLabel, s.Channel)
		m.str(n, ontology.KplaneTool, s.Tool)
		m.str(n, ontology.DCTermsDescription, s.Description)
		m.iriOrString(n, ontology.RDFSSeeAlso, s.URL)
	}
}

// definitions maps authoritative definitions: businessDefinition becomes
// dcterms:subject (the data-to-meaning link), canonical names the contract
// and is skipped, any other type becomes rdfs:seeAlso.
func (m *mapper) definitions(s rdf.Term, defs []AuthoritativeDefinition) {
	for _, d := range defs {
		switch {
		case strings.EqualFold(d.Type, "canonical"):
		case strings.EqualFold(d.Type, "businessDefinition"):
			m.iriOrString(s, ontology.DCTermsSubject, d.URL)
		default:
			m.iriOrString(s, ontology.RDFSSeeAlso, d.URL)
		}
	}
}

// value turns a scalar YAML value into a typed literal; collections are
// kept as their JSON text. Numbers are written as JSON writes them, so a
// float with an integral value (1.0) is an xsd:integer, as in the JSON form
// of the contract.
func value(v any) (rdf.Term, bool) {
	switch v := v.(type) {
	case nil:
		return rdf.Term{}, false
	case string:
		return rdf.String(v), true
	case bool:
		return rdf.Literal(strconv.FormatBool(v), rdf.XSDBoolean), true
	case int:
		return rdf.Literal(strconv.Itoa(v), rdf.XSDInteger), true
	case int64:
		return rdf.Literal(strconv.FormatInt(v, 10), rdf.XSDInteger), true
	case uint64:
		return rdf.Literal(strconv.FormatUint(v, 10), rdf.XSDInteger), true
	case float64:
		return floatValue(v), true
	case map[string]any, []any:
		b, err := json.Marshal(v)
		if err != nil {
			// Only infinities and NaN, which YAML has and JSON lacks, fail.
			if b, err = json.Marshal(finiteJSON(v)); err != nil {
				return rdf.Term{}, false
			}
		}
		return rdf.Literal(string(b), rdf.RDFJSON), true
	default:
		// Timestamps and binary values of tagged YAML scalars: kept as
		// their JSON form, a string.
		b, err := json.Marshal(v)
		if err != nil {
			return rdf.Term{}, false
		}
		var s string
		if json.Unmarshal(b, &s) == nil {
			return rdf.String(s), true
		}
		return rdf.Literal(string(b), rdf.RDFJSON), true
	}
}

// finiteJSON returns a copy of a collection with its infinities and NaNs
// replaced by the strings "INF", "-INF" and "NaN" (their xsd:double forms),
// so that it can be written as JSON.
func finiteJSON(v any) any {
	switch v := v.(type) {
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return floatValue(v).Value
		}
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = finiteJSON(x)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = finiteJSON(x)
		}
		return out
	}
	return v
}

// floatValue writes a float as JSON does (1.5, 1e-07, 1e+21), typed by that
// text: xsd:double with an exponent, xsd:decimal with a fraction, else
// xsd:integer. Infinities and NaN, which JSON lacks, are xsd:double.
func floatValue(f float64) rdf.Term {
	switch {
	case math.IsInf(f, 1):
		return rdf.Literal("INF", rdf.XSDDouble)
	case math.IsInf(f, -1):
		return rdf.Literal("-INF", rdf.XSDDouble)
	case math.IsNaN(f):
		return rdf.Literal("NaN", rdf.XSDDouble)
	}
	b, _ := json.Marshal(f)
	s := string(b)
	switch {
	case strings.ContainsAny(s, "eE"):
		return rdf.Literal(s, rdf.XSDDouble)
	case strings.Contains(s, "."):
		return rdf.Literal(s, rdf.XSDDecimal)
	default:
		return rdf.Literal(s, rdf.XSDInteger)
	}
}

// customProperties keeps free-form properties as label/value nodes.
func (m *mapper) customProperties(s rdf.Term, props []CustomProperty) {
	for _, p := range props {
		n := m.blank()
		m.add(s, ontology.KplaneCustomProperty, n)
		m.str(n, ontology.RDFSLabel, p.Property)
		if v, ok := value(p.Value); ok {
			m.add(n, ontology.RDFValue, v)
		}
	}
}

func (m *mapper) element(s rdf.Term, e Element) {
	m.str(s, ontology.DCTermsDescription, e.Description)
	m.definitions(s, e.AuthoritativeDefinitions)
	for _, t := range e.Tags {
		m.str(s, ontology.DCATKeyword, t)
	}
	m.customProperties(s, e.CustomProperties)
}

func (m *mapper) schemaObject(c rdf.Term, obj SchemaObject) {
	shape := m.fragment(obj.Name)
	m.add(shape, rdf.RDFType, rdf.IRI(ontology.SHNodeShape))
	m.add(shape, ontology.RDFSIsDefinedBy, c)
	label := obj.BusinessName
	if label == "" {
		label = obj.Name
	}
	m.str(shape, ontology.RDFSLabel, label)
	m.str(shape, ontology.DCTermsIdentifier, obj.Name)
	m.str(shape, ontology.KplanePhysicalName, obj.PhysicalName)
	m.str(shape, ontology.KplanePhysicalType, obj.PhysicalType)
	m.element(shape, obj.Element)
	m.quality(shape, obj.Quality)
	m.properties(c, shape, obj.Name, obj.Properties)
}

// properties maps the properties of a node shape; prefix is the fragment
// path of their parent.
func (m *mapper) properties(c, node rdf.Term, prefix string, props []Property) {
	for i, p := range props {
		ps := m.fragment(prefix + "-" + p.Name)
		m.add(node, ontology.SHProperty, ps)
		m.add(ps, rdf.RDFType, rdf.IRI(ontology.SHPropertyShape))
		m.add(ps, ontology.RDFSIsDefinedBy, c)
		// The path is the attribute itself, named in the contract like the
		// shape but with '.' separators: table.column.
		m.add(ps, ontology.SHPath, m.fragment(prefix+"."+p.Name))
		m.str(ps, ontology.SHName, p.Name)
		m.add(ps, ontology.SHOrder, rdf.Literal(strconv.Itoa(i), rdf.XSDInteger))
		m.str(ps, ontology.RDFSLabel, p.BusinessName)
		m.element(ps, p.Element)
		m.propertyShape(c, ps, prefix+"-"+p.Name, p)
	}
}

// propertyShape adds the constraints of one attribute.
func (m *mapper) propertyShape(c, ps rdf.Term, path string, p Property) {
	if p.Required {
		m.add(ps, ontology.SHMinCount, rdf.Literal("1", rdf.XSDInteger))
	}
	values := p // the property whose values the constraints describe
	if p.LogicalType == "array" {
		if p.Items != nil {
			values = *p.Items
		} else {
			values = Property{}
		}
	} else if p.LogicalType != "" {
		m.add(ps, ontology.SHMaxCount, rdf.Literal("1", rdf.XSDInteger))
	}
	m.str(ps, ontology.KplaneLogicalType, p.LogicalType)
	if dt, ok := logicalDatatypes[values.LogicalType]; ok {
		m.add(ps, ontology.SHDatatype, rdf.IRI(dt))
	}
	m.typeOptions(ps, values.LogicalType, values.LogicalTypeOptions)
	if len(values.Properties) > 0 {
		node := m.fragment(path + "-node")
		m.add(ps, ontology.SHNode, node)
		m.add(node, rdf.RDFType, rdf.IRI(ontology.SHNodeShape))
		m.add(node, ontology.RDFSIsDefinedBy, c)
		m.properties(c, node, path, values.Properties)
	}
	if p.PrimaryKey {
		m.add(ps, ontology.KplaneIsKey, rdf.Literal("true", rdf.XSDBoolean))
		if p.PrimaryKeyPosition != nil && *p.PrimaryKeyPosition > 0 {
			m.add(ps, ontology.KplaneKeyPosition, rdf.Literal(strconv.Itoa(*p.PrimaryKeyPosition), rdf.XSDInteger))
		}
	}
	if p.Unique {
		m.add(ps, ontology.KplaneIsUnique, rdf.Literal("true", rdf.XSDBoolean))
	}
	if p.Partitioned && p.PartitionKeyPosition != nil && *p.PartitionKeyPosition > 0 {
		m.add(ps, ontology.KplanePartitionKeyPosition, rdf.Literal(strconv.Itoa(*p.PartitionKeyPosition), rdf.XSDInteger))
	}
	if p.CriticalDataElement {
		m.add(ps, ontology.KplaneIsCriticalDataElement, rdf.Literal("true", rdf.XSDBoolean))
	}
	if cl := p.Classification; cl != "" {
		if iri, ok := classifications[strings.ToLower(cl)]; ok {
			m.add(ps, ontology.KplaneClassificationProp, rdf.IRI(iri))
		} else {
			m.add(ps, ontology.KplaneClassificationName, rdf.String(cl))
		}
	}
	m.str(ps, ontology.KplanePhysicalName, p.PhysicalName)
	m.str(ps, ontology.KplanePhysicalType, p.PhysicalType)
	m.quality(ps, p.Quality)
}

// typeOptions maps the logical type options ontology.SHACL can express.
func (m *mapper) typeOptions(ps rdf.Term, logicalType string, opts map[string]any) {
	bound := func(key, pred string) {
		v, ok := opts[key]
		if !ok {
			return
		}
		switch logicalType {
		case "integer", "number":
			if t, ok := value(v); ok {
				m.add(ps, pred, t)
			}
		case "date", "timestamp", "time":
			if s, ok := v.(string); ok {
				m.add(ps, pred, rdf.Literal(s, logicalDatatypes[logicalType]))
			}
		}
	}
	bound("minimum", ontology.SHMinInclusive)
	bound("maximum", ontology.SHMaxInclusive)
	bound("exclusiveMinimum", ontology.SHMinExclusive)
	bound("exclusiveMaximum", ontology.SHMaxExclusive)
	if logicalType != "string" {
		return
	}
	for key, pred := range map[string]string{"minLength": ontology.SHMinLength, "maxLength": ontology.SHMaxLength} {
		if t, ok := value(opts[key]); ok {
			m.add(ps, pred, t)
		}
	}
	if s, ok := opts["pattern"].(string); ok {
		m.add(ps, ontology.SHPattern, rdf.String(s))
	}
}

// quality keeps quality rules as kplane:QualityRule nodes.
func (m *mapper) quality(s rdf.Term, rules []QualityRule) {
	for _, q := range rules {
		n := m.blank()
		m.add(s, ontology.KplaneQualityRuleProp, n)
		m.add(n, rdf.RDFType, rdf.IRI(ontology.KplaneQualityRule))
		m.str(n, ontology.RDFSLabel, q.Name)
		m.str(n, ontology.DCTermsDescription, q.Description)
		ruleType := q.Type
		if ruleType == "" && q.Metric != "" {
			ruleType = "library"
		}
		m.str(n, ontology.KplaneRuleType, ruleType)
		if q.Metric != "" {
			m.str(n, ontology.KplaneRule, q.Metric)
		} else {
			m.str(n, ontology.KplaneRule, q.Rule)
		}
		m.str(n, ontology.KplaneQuery, q.Query)
		m.str(n, ontology.KplaneEngine, q.Engine)
		if q.Implementation != nil {
			if t, ok := value(q.Implementation); ok {
				m.add(n, ontology.KplaneImplementation, t)
			}
		}
		if q.Operator != "" {
			m.str(n, ontology.KplaneOperator, q.Operator)
			if list, ok := q.Threshold.([]any); ok {
				for _, v := range list {
					if t, ok := value(v); ok {
						m.add(n, ontology.KplaneThreshold, t)
					}
				}
			} else if t, ok := value(q.Threshold); ok {
				m.add(n, ontology.KplaneThreshold, t)
			}
		}
		m.str(n, ontology.KplaneDimension, q.Dimension)
		m.str(n, ontology.KplaneSeverity, q.Severity)
		m.str(n, ontology.KplaneBusinessImpact, q.BusinessImpact)
		m.str(n, ontology.KplaneUnit, q.Unit)
		m.str(n, ontology.KplaneSchedule, q.Schedule)
		m.str(n, ontology.KplaneScheduler, q.Scheduler)
	}
}

func (m *mapper) server(c rdf.Term, s Server) {
	n := m.blank()
	m.add(c, ontology.KplaneServerProp, n)
	m.add(n, rdf.RDFType, rdf.IRI(ontology.KplaneServer))
	m.str(n, ontology.DCTermsIdentifier, s.Server)
	m.str(n, ontology.KplaneServerType, s.Type)
	m.str(n, ontology.KplaneEnvironment, s.Environment)
	m.str(n, ontology.DCTermsDescription, s.Description)
	keys := make([]string, 0, len(s.Connection))
	for k := range s.Connection {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v, ok := value(s.Connection[k])
		if !ok {
			continue
		}
		setting := m.blank()
		m.add(n, ontology.KplaneSetting, setting)
		m.add(setting, ontology.RDFSLabel, rdf.String(k))
		m.add(setting, ontology.RDFValue, v)
	}
}

// team maps the owning team with the W3C Organization Ontology: the
// contract is attributed to the team, and each member holds a membership
// with a role.
func (m *mapper) team(c rdf.Term, t *Team) {
	team := m.blank()
	m.add(c, ontology.PROVWasAttributedTo, team)
	m.add(team, rdf.RDFType, rdf.IRI(ontology.ORGOrganizationalUnit))
	m.str(team, ontology.RDFSLabel, t.Name)
	m.str(team, ontology.DCTermsDescription, t.Description)
	for _, mem := range t.Members {
		person := m.blank()
		m.add(person, rdf.RDFType, rdf.IRI(ontology.PROVPerson))
		m.str(person, ontology.RDFSLabel, mem.Name)
		m.str(person, ontology.DCTermsIdentifier, mem.Username)
		ms := m.blank()
		m.add(ms, rdf.RDFType, rdf.IRI(ontology.ORGMembership))
		m.add(ms, ontology.ORGMember, person)
		m.add(ms, ontology.ORGOrganizationProp, team)
		if mem.Role != "" {
			role := m.blank()
			m.add(ms, ontology.ORGRoleProp, role)
			m.add(role, rdf.RDFType, rdf.IRI(ontology.ORGRole))
			m.str(role, ontology.RDFSLabel, mem.Role)
		}
	}
}

func (m *mapper) sla(c rdf.Term, s SLAProperty) {
	n := m.blank()
	m.add(c, ontology.KplaneServiceLevelProp, n)
	m.add(n, rdf.RDFType, rdf.IRI(ontology.KplaneServiceLevel))
	m.str(n, ontology.KplaneSLAProperty, s.Property)
	if v, ok := value(s.Value); ok {
		m.add(n, ontology.RDFValue, v)
	}
	m.str(n, ontology.KplaneUnit, s.Unit)
	m.str(n, ontology.KplaneElement, s.Element)
	m.str(n, ontology.KplaneDriver, s.Driver)
	m.str(n, ontology.DCTermsDescription, s.Description)
	m.str(n, ontology.KplaneSchedule, s.Schedule)
	m.str(n, ontology.KplaneScheduler, s.Scheduler)
}
