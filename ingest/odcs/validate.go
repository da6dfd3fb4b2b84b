package odcs

import (
	"regexp"
	"slices"
	"strings"

	"github.com/kplane/kplane/ingest/odcs/rules"
)

// The rules below restate the ODCS v3.1.0 JSON Schema in Go. Where the
// schema uses if/then (server types, quality rule types, logical types),
// Object.Extend adds the fields and required fields of the matching branch;
// fields that no branch admits are reported as unknown, which is what the
// schema's unevaluatedProperties: false means.

// apiVersions are the ODCS versions a v3.1 contract may declare.
var apiVersions = rules.Enum{"v3.1.0", "v3.0.2", "v3.0.1", "v3.0.0", "v2.2.2", "v2.2.1", "v2.2.0"}

// logicalTypes are the logical types of schema properties.
var logicalTypes = rules.Enum{"string", "date", "timestamp", "time", "number", "integer", "object", "array", "boolean"}

var (
	stableID = rules.Pattern{Re: regexp.MustCompile(`^[A-Za-z0-9_-]+$`), What: "stable id (letters, digits, '-' and '_')"}

	shorthandRef      = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$`)
	fullyQualifiedRef = regexp.MustCompile(`^(?:(?:https?:\/\/)?[A-Za-z0-9._\-\/]+\.yaml#)?\/?[A-Za-z_][A-Za-z0-9_]*\/[A-Za-z0-9_-]+(?:\/[A-Za-z_][A-Za-z0-9_]*\/[A-Za-z0-9_-]+)*$`)

	sftpLocation = rules.Pattern{Re: regexp.MustCompile(`^sftp://`), What: "sftp location (sftp://...)"}

	tags = rules.Array{Items: rules.String}

	authoritativeDefinitions = rules.Array{Items: rules.Object{
		Fields:   map[string]rules.Rule{"id": stableID, "url": rules.String, "type": rules.String, "description": rules.String},
		Required: []string{"url", "type"},
		Closed:   true,
	}}

	customProperty = rules.Object{
		Fields:   map[string]rules.Rule{"id": stableID, "property": rules.String, "value": rules.Any, "description": rules.String},
		Required: []string{"property", "value"},
		Closed:   true,
	}
	customProperties = rules.Array{Items: customProperty}

	role = rules.Object{
		Fields: map[string]rules.Rule{
			"id": stableID, "role": rules.String, "description": rules.String, "access": rules.String,
			"firstLevelApprovers": rules.String, "secondLevelApprovers": rules.String,
			"customProperties": customProperties,
		},
		Required: []string{"role"},
		Closed:   true,
	}
)

// nonNegativeInteger requires an integer >= 0.
var nonNegativeInteger = rules.RuleFunc(func(c *rules.Checker, path string, v any) {
	if !rules.IsInteger(v) {
		rules.Integer.Check(c, path, v)
		return
	}
	if n, _ := rules.Number(v); n < 0 {
		c.Reportf(path, "%v is negative", v)
	}
})

// positiveNumber requires a number > 0.
var positiveNumber = rules.RuleFunc(func(c *rules.Checker, path string, v any) {
	n, ok := rules.Number(v)
	if !ok {
		rules.NumberT.Check(c, path, v)
		return
	}
	if n <= 0 {
		c.Reportf(path, "%v is not greater than 0", v)
	}
})

// uniqueStrings requires a non-empty array of distinct strings.
var uniqueStrings = rules.RuleFunc(func(c *rules.Checker, path string, v any) {
	rules.Array{Items: rules.String, MinItems: 1}.Check(c, path, v)
	list, _ := v.([]any)
	seen := map[any]bool{}
	for i, x := range list {
		if seen[x] {
			c.Reportf(rules.Index(path, i), "%v is repeated", x)
		}
		seen[x] = true
	}
})

// serverSource is the if/then branch of one server type.
type serverSource struct {
	fields   map[string]rules.Rule
	required []string
}

// serverSources gives, per server type, its connection fields.
var serverSources = map[string]serverSource{
	"api":        {fields: map[string]rules.Rule{"location": rules.String}, required: []string{"location"}},
	"athena":     {fields: map[string]rules.Rule{"stagingDir": rules.String, "schema": rules.String, "catalog": rules.String, "regionName": rules.String}, required: []string{"stagingDir", "schema"}},
	"azure":      {fields: map[string]rules.Rule{"location": rules.String, "format": rules.String, "delimiter": rules.String}, required: []string{"location", "format"}},
	"bigquery":   {fields: map[string]rules.Rule{"project": rules.String, "dataset": rules.String}, required: []string{"project", "dataset"}},
	"clickhouse": {fields: map[string]rules.Rule{"host": rules.String, "port": rules.Integer, "database": rules.String}, required: []string{"host", "port", "database"}},
	"databricks": {fields: map[string]rules.Rule{"host": rules.String, "catalog": rules.String, "schema": rules.String}, required: []string{"catalog", "schema"}},
	"denodo":     {fields: map[string]rules.Rule{"host": rules.String, "port": rules.Integer, "database": rules.String}, required: []string{"host", "port"}},
	"dremio":     {fields: map[string]rules.Rule{"host": rules.String, "port": rules.Integer, "schema": rules.String}, required: []string{"host", "port"}},
	"duckdb":     {fields: map[string]rules.Rule{"database": rules.String, "schema": rules.String}, required: []string{"database"}},
	"glue":       {fields: map[string]rules.Rule{"account": rules.String, "database": rules.String, "location": rules.String, "format": rules.String}, required: []string{"account", "database"}},
	"cloudsql":   {fields: map[string]rules.Rule{"host": rules.String, "port": rules.Integer, "database": rules.String, "schema": rules.String}, required: []string{"host", "port", "database", "schema"}},
	"db2":        {fields: map[string]rules.Rule{"host": rules.String, "port": rules.Integer, "database": rules.String, "schema": rules.String}, required: []string{"host", "port", "database"}},
	"hive":       {fields: map[string]rules.Rule{"host": rules.String, "port": rules.Integer, "database": rules.String}, required: []string{"host", "database"}},
	"impala":     {fields: map[string]rules.Rule{"host": rules.String, "port": rules.Integer, "database": rules.String}, required: []string{"host", "database"}},
	"informix":   {fields: map[string]rules.Rule{"host": rules.String, "port": rules.Integer, "database": rules.String}, required: []string{"host", "database"}},
	"zen":        {fields: map[string]rules.Rule{"host": rules.String, "port": rules.Integer, "database": rules.String}, required: []string{"host", "database"}},
	"custom":     {fields: map[string]rules.Rule{"account": rules.String, "catalog": rules.String, "database": rules.String, "dataset": rules.String, "delimiter": rules.String, "endpointUrl": rules.String, "format": rules.String, "host": rules.String, "location": rules.String, "path": rules.String, "port": rules.Integer, "project": rules.String, "region": rules.String, "regionName": rules.String, "schema": rules.String, "serviceName": rules.String, "stagingDir": rules.String, "warehouse": rules.String, "stream": rules.String}, required: []string{}},
	"kafka":      {fields: map[string]rules.Rule{"host": rules.String, "format": rules.String}, required: []string{"host"}},
	"kinesis":    {fields: map[string]rules.Rule{"region": rules.String, "format": rules.String}, required: []string{}},
	"local":      {fields: map[string]rules.Rule{"path": rules.String, "format": rules.String}, required: []string{"path", "format"}},
	"mysql":      {fields: map[string]rules.Rule{"host": rules.String, "port": rules.Integer, "database": rules.String}, required: []string{"host", "port", "database"}},
	"oracle":     {fields: map[string]rules.Rule{"host": rules.String, "port": rules.Integer, "serviceName": rules.String}, required: []string{"host", "port", "serviceName"}},
	"postgresql": {fields: map[string]rules.Rule{"host": rules.String, "port": rules.Integer, "database": rules.String, "schema": rules.String}, required: []string{"host", "port", "database", "schema"}},
	"postgres":   {fields: map[string]rules.Rule{"host": rules.String, "port": rules.Integer, "database": rules.String, "schema": rules.String}, required: []string{"host", "port", "database", "schema"}},
	"presto":     {fields: map[string]rules.Rule{"host": rules.String, "catalog": rules.String, "schema": rules.String}, required: []string{"host"}},
	"pubsub":     {fields: map[string]rules.Rule{"project": rules.String}, required: []string{"project"}},
	"redshift":   {fields: map[string]rules.Rule{"host": rules.String, "database": rules.String, "schema": rules.String, "region": rules.String, "account": rules.String}, required: []string{"database", "schema"}},
	"s3":         {fields: map[string]rules.Rule{"location": rules.String, "endpointUrl": rules.String, "format": rules.String, "delimiter": rules.String}, required: []string{"location"}},
	"sftp":       {fields: map[string]rules.Rule{"location": sftpLocation, "format": rules.String, "delimiter": rules.String}, required: []string{"location"}},
	"snowflake":  {fields: map[string]rules.Rule{"host": rules.String, "port": rules.Integer, "account": rules.String, "database": rules.String, "schema": rules.String, "warehouse": rules.String}, required: []string{"account", "database", "schema"}},
	"sqlserver":  {fields: map[string]rules.Rule{"host": rules.String, "port": rules.Integer, "database": rules.String, "schema": rules.String}, required: []string{"host", "database", "schema"}},
	"synapse":    {fields: map[string]rules.Rule{"host": rules.String, "port": rules.Integer, "database": rules.String}, required: []string{"host", "port", "database"}},
	"trino":      {fields: map[string]rules.Rule{"host": rules.String, "port": rules.Integer, "catalog": rules.String, "schema": rules.String}, required: []string{"host", "port", "catalog", "schema"}},
	"vertica":    {fields: map[string]rules.Rule{"host": rules.String, "port": rules.Integer, "database": rules.String, "schema": rules.String}, required: []string{"host", "port", "database", "schema"}},
}

var server = rules.Object{
	Fields: map[string]rules.Rule{
		"id": stableID, "server": rules.String, "type": rules.Enum(serverTypes()), "description": rules.String,
		"environment": rules.String, "roles": rules.Array{Items: role}, "customProperties": customProperties,
	},
	Required: []string{"server", "type"},
	Closed:   true,
	Extend: func(c *rules.Checker, path string, m map[string]any) (map[string]rules.Rule, []string) {
		t, _ := m["type"].(string)
		src, ok := serverSources[t]
		if !ok {
			return nil, nil
		}
		return src.fields, src.required
	},
}

// serverTypes lists the server types in a stable order for messages.
func serverTypes() []string {
	types := make([]string, 0, len(serverSources))
	for t := range serverSources {
		types = append(types, t)
	}
	slices.Sort(types)
	return types
}

// operators are the comparison fields of a quality rule; exactly one must
// be present.
var operators = map[string]rules.Rule{
	"mustBe":                 rules.Any,
	"mustNotBe":              rules.Any,
	"mustBeGreaterThan":      rules.NumberT,
	"mustBeGreaterOrEqualTo": rules.NumberT,
	"mustBeLessThan":         rules.NumberT,
	"mustBeLessOrEqualTo":    rules.NumberT,
	"mustBeBetween":          numberRange,
	"mustNotBeBetween":       numberRange,
}

// operatorNames lists the operators in the order the standard gives them.
var operatorNames = []string{"mustBe", "mustNotBe", "mustBeGreaterThan", "mustBeGreaterOrEqualTo", "mustBeLessThan", "mustBeLessOrEqualTo", "mustBeBetween", "mustNotBeBetween"}

// numberRange is a pair of distinct numbers.
var numberRange = rules.RuleFunc(func(c *rules.Checker, path string, v any) {
	rules.Array{Items: rules.NumberT, MinItems: 2, MaxItems: 2}.Check(c, path, v)
	if list, ok := v.([]any); ok && len(list) == 2 {
		a, aok := rules.Number(list[0])
		b, bok := rules.Number(list[1])
		if aok && bok && a == b {
			c.Reportf(path, "the two bounds are equal")
		}
	}
})

// checkOperator reports a quality rule with no operator or with several.
func checkOperator(c *rules.Checker, path string, m map[string]any) {
	var present []string
	for _, name := range operatorNames {
		if _, ok := m[name]; ok {
			present = append(present, name)
		}
	}
	switch {
	case len(present) == 0:
		c.Reportf(path, "needs exactly one of %s", strings.Join(operatorNames, ", "))
	case len(present) > 1:
		c.Reportf(path, "has %d operators (%s), want exactly one", len(present), strings.Join(present, ", "))
	}
}

var qualityRule = rules.Object{
	Fields: map[string]rules.Rule{
		"id": stableID, "authoritativeDefinitions": authoritativeDefinitions, "businessImpact": rules.String,
		"customProperties": customProperties, "description": rules.String,
		"dimension": rules.Enum{"accuracy", "completeness", "conformity", "consistency", "coverage", "timeliness", "uniqueness"},
		"method":    rules.String, "name": rules.String, "schedule": rules.String, "scheduler": rules.String,
		"severity": rules.String, "tags": tags, "type": rules.Enum{"text", "library", "sql", "custom"}, "unit": rules.String,
	},
	Closed: true,
	Extend: func(c *rules.Checker, path string, m map[string]any) (map[string]rules.Rule, []string) {
		fields := map[string]rules.Rule{}
		var required []string
		t, _ := m["type"].(string)
		_, hasMetric := m["metric"].(string)
		library := t == "library" || hasMetric
		if library {
			fields["metric"] = rules.Enum{"nullValues", "missingValues", "invalidValues", "duplicateValues", "rowCount"}
			fields["rule"] = rules.String
			fields["arguments"] = rules.ObjectT
			required = append(required, "metric")
		}
		if t == "sql" {
			fields["query"] = rules.String
			required = append(required, "query")
		}
		if library || t == "sql" {
			for k, r := range operators {
				fields[k] = r
			}
			checkOperator(c, path, m)
		}
		if t == "custom" {
			fields["engine"] = rules.String
			fields["implementation"] = rules.RuleFunc(func(c *rules.Checker, path string, v any) {
				switch v.(type) {
				case string, map[string]any:
				default:
					c.Reportf(path, "the value has type %s, want string or object", rules.TypeName(v))
				}
			})
			required = append(required, "engine", "implementation")
		}
		return fields, required
	},
}

var qualityRules = rules.Array{Items: qualityRule}

// reference is a relationship end: a shorthand (table.column) or fully
// qualified reference.
var reference = rules.RuleFunc(func(c *rules.Checker, path string, v any) {
	s, ok := v.(string)
	if !ok {
		rules.String.Check(c, path, v)
		return
	}
	if !shorthandRef.MatchString(s) && !fullyQualifiedRef.MatchString(s) {
		c.Reportf(path, "%q is neither a table.column reference nor a fully qualified reference", s)
	}
})

// references is one reference or a non-empty array of them.
var references = rules.RuleFunc(func(c *rules.Checker, path string, v any) {
	if _, ok := v.([]any); ok {
		rules.Array{Items: reference, MinItems: 1}.Check(c, path, v)
		return
	}
	if _, ok := v.(string); !ok {
		c.Reportf(path, "the value has type %s, want string or array", rules.TypeName(v))
		return
	}
	reference.Check(c, path, v)
})

var relationshipFields = map[string]rules.Rule{
	"type": rules.Enum{"foreignKey"}, "from": references, "to": references, "customProperties": customProperties,
}

// schemaRelationship is a relationship declared on a schema object: it
// names both ends, both single references or both arrays.
var schemaRelationship = rules.Object{
	Fields:   relationshipFields,
	Required: []string{"from", "to"},
	Closed:   true,
	Extend: func(c *rules.Checker, path string, m map[string]any) (map[string]rules.Rule, []string) {
		from, to := m["from"], m["to"]
		if from == nil || to == nil {
			return nil, nil
		}
		_, fromList := from.([]any)
		_, toList := to.([]any)
		if fromList != toList {
			c.Reportf(path, "from and to must both be single references or both be arrays")
		}
		return nil, nil
	},
}

// propertyRelationship is a relationship declared on a property, which is
// implicitly its from end.
var propertyRelationship = rules.Object{
	Fields:   relationshipFields,
	Required: []string{"to"},
	Closed:   true,
	Extend: func(c *rules.Checker, path string, m map[string]any) (map[string]rules.Rule, []string) {
		if _, ok := m["from"]; ok {
			c.Reportf(rules.Key(path, "from"), "must not be given on a property-level relationship: the property itself is the from end")
		}
		return nil, nil
	},
}

// elementFields are the fields every schema element has.
func elementFields() map[string]rules.Rule {
	return map[string]rules.Rule{
		"id": stableID, "name": rules.String, "physicalType": rules.String, "description": rules.String,
		"businessName": rules.String, "authoritativeDefinitions": authoritativeDefinitions, "tags": tags,
		"customProperties": customProperties,
	}
}

// typeOptions gives, per logical type, the fields its logicalTypeOptions
// may hold. A logical type without an entry (boolean) admits any options.
var typeOptions = map[string]map[string]rules.Rule{
	"string":    {"minLength": nonNegativeInteger, "maxLength": nonNegativeInteger, "pattern": rules.String, "format": rules.String},
	"date":      dateOptions(false),
	"timestamp": dateOptions(true),
	"time":      dateOptions(true),
	"integer":   numberOptions(rules.Enum{"i8", "i16", "i32", "i64", "i128", "u8", "u16", "u32", "u64", "u128"}),
	"number":    numberOptions(rules.Enum{"f32", "f64"}),
	"object":    {"maxProperties": nonNegativeInteger, "minProperties": nonNegativeInteger, "required": uniqueStrings},
	"array":     {"maxItems": nonNegativeInteger, "minItems": nonNegativeInteger, "uniqueItems": rules.Boolean},
}

func dateOptions(withZone bool) map[string]rules.Rule {
	m := map[string]rules.Rule{
		"format": rules.String, "exclusiveMaximum": rules.String, "maximum": rules.String,
		"exclusiveMinimum": rules.String, "minimum": rules.String,
	}
	if withZone {
		m["timezone"] = rules.Boolean
		m["defaultTimezone"] = rules.String
	}
	return m
}

func numberOptions(formats rules.Enum) map[string]rules.Rule {
	return map[string]rules.Rule{
		"multipleOf": positiveNumber, "maximum": rules.NumberT, "exclusiveMaximum": rules.NumberT,
		"minimum": rules.NumberT, "exclusiveMinimum": rules.NumberT, "format": formats,
	}
}

// propertyFields are the fields of a schema property whatever its logical
// type.
var propertyFields = func() map[string]rules.Rule {
	fields := elementFields()
	for k, r := range map[string]rules.Rule{
		"primaryKey": rules.Boolean, "primaryKeyPosition": rules.Integer, "logicalType": logicalTypes,
		"physicalName": rules.String, "required": rules.Boolean, "unique": rules.Boolean,
		"partitioned": rules.Boolean, "partitionKeyPosition": rules.Integer, "classification": rules.String,
		"encryptedName": rules.String, "transformSourceObjects": rules.Array{Items: rules.String},
		"transformLogic": rules.String, "transformDescription": rules.String,
		"examples": rules.Array{Items: rules.Any}, "criticalDataElement": rules.Boolean,
		"relationships": rules.Array{Items: propertyRelationship}, "quality": qualityRules,
		"logicalTypeOptions": rules.ObjectT,
	} {
		fields[k] = r
	}
	return fields
}()

// propertyRule checks a schema property; itemRule checks the item of an
// array property, which needs no name and may always list nested
// properties. Both are functions because the rules refer to themselves.
func propertyRule(c *rules.Checker, path string, v any) {
	rules.Object{
		Fields:   propertyFields,
		Required: []string{"name"},
		Closed:   true,
		Extend: func(c *rules.Checker, path string, m map[string]any) (map[string]rules.Rule, []string) {
			return propertyBranch(m, false), nil
		},
	}.Check(c, path, v)
}

func itemRule(c *rules.Checker, path string, v any) {
	rules.Object{
		Fields: propertyFields,
		Closed: true,
		Extend: func(c *rules.Checker, path string, m map[string]any) (map[string]rules.Rule, []string) {
			return propertyBranch(m, true), nil
		},
	}.Check(c, path, v)
}

// propertyBranch returns the logicalType-dependent fields of a property:
// which logicalTypeOptions are allowed and whether nested properties or
// items may appear.
func propertyBranch(m map[string]any, item bool) map[string]rules.Rule {
	nested := rules.Array{Items: rules.RuleFunc(propertyRule)}
	extra := map[string]rules.Rule{}
	if item {
		extra["properties"] = nested
	}
	lt, present := m["logicalType"]
	name, isString := lt.(string)
	switch {
	case !present:
		// Every branch of the standard applies at once, and they admit no
		// common option: logicalTypeOptions must be empty.
		extra["logicalTypeOptions"] = rules.Object{Closed: true}
		extra["properties"] = nested
		extra["items"] = rules.RuleFunc(itemRule)
	case !isString || !slices.Contains(logicalTypes, name):
		// Reported by the logicalType rule; no branch applies.
	default:
		if opts, ok := typeOptions[name]; ok {
			extra["logicalTypeOptions"] = rules.Object{Fields: opts, Closed: true}
		}
		switch name {
		case "object":
			extra["properties"] = nested
		case "array":
			extra["items"] = rules.RuleFunc(itemRule)
		}
	}
	return extra
}

var schemaObject = rules.Object{
	Fields: func() map[string]rules.Rule {
		m := elementFields()
		m["logicalType"] = rules.Enum{"object"}
		m["physicalName"] = rules.String
		m["dataGranularityDescription"] = rules.String
		m["properties"] = rules.Array{Items: rules.RuleFunc(propertyRule)}
		m["relationships"] = rules.Array{Items: schemaRelationship}
		m["quality"] = qualityRules
		return m
	}(),
	Required: []string{"name"},
	Closed:   true,
}

var teamMember = rules.Object{
	Fields: map[string]rules.Rule{
		"id": stableID, "username": rules.String, "name": rules.String, "description": rules.String,
		"role": rules.String, "dateIn": rules.String, "dateOut": rules.String, "replacedByUsername": rules.String,
		"tags": tags, "customProperties": customProperties, "authoritativeDefinitions": authoritativeDefinitions,
	},
	Required: []string{"username"},
	Closed:   true,
}

var team = rules.Object{
	Fields: map[string]rules.Rule{
		"id": stableID, "name": rules.String, "description": rules.String, "members": rules.Array{Items: teamMember},
		"tags": tags, "customProperties": customProperties, "authoritativeDefinitions": authoritativeDefinitions,
	},
	Closed: true,
}

// teamOrMembers accepts the v3.1 team object or the deprecated array of
// members.
var teamOrMembers = rules.RuleFunc(func(c *rules.Checker, path string, v any) {
	switch v.(type) {
	case map[string]any:
		team.Check(c, path, v)
	case []any:
		rules.Array{Items: teamMember}.Check(c, path, v)
	default:
		c.Reportf(path, "the value has type %s, want object (or the deprecated array of members)", rules.TypeName(v))
	}
})

var supportItem = rules.Object{
	Fields: map[string]rules.Rule{
		"id": stableID, "channel": rules.String, "url": rules.String, "description": rules.String,
		"tool": rules.String, "scope": rules.String, "invitationUrl": rules.String, "customProperties": customProperties,
	},
	Required: []string{"channel"},
	Closed:   true,
}

var pricing = rules.Object{
	Fields: map[string]rules.Rule{"id": stableID, "priceAmount": rules.NumberT, "priceCurrency": rules.String, "priceUnit": rules.String},
	Closed: true,
}

var slaProperty = rules.Object{
	Fields: map[string]rules.Rule{
		"id": stableID, "property": rules.String, "value": rules.Scalar, "valueExt": rules.Scalar,
		"unit": rules.String, "element": rules.String, "driver": rules.String, "description": rules.String,
		"scheduler": rules.String, "schedule": rules.String,
	},
	Required: []string{"property", "value"},
	Closed:   true,
}

// contractRule is the whole ODCS v3.1 contract.
var contractRule = rules.Object{
	Fields: map[string]rules.Rule{
		"version": rules.String, "kind": rules.Enum{"DataContract"}, "apiVersion": apiVersions,
		"id": rules.String, "name": rules.String, "tenant": rules.String, "tags": tags, "status": rules.String,
		"servers": rules.Array{Items: server}, "dataProduct": rules.String,
		"description": rules.Object{Fields: map[string]rules.Rule{
			"usage": rules.String, "purpose": rules.String, "limitations": rules.String,
			"authoritativeDefinitions": authoritativeDefinitions, "customProperties": customProperties,
		}},
		"domain": rules.String, "schema": rules.Array{Items: schemaObject},
		"support": rules.Array{Items: supportItem}, "price": pricing, "team": teamOrMembers,
		"roles": rules.Array{Items: role}, "slaDefaultElement": rules.String,
		"slaProperties": rules.Array{Items: slaProperty}, "authoritativeDefinitions": authoritativeDefinitions,
		"customProperties": customProperties, "contractCreatedTs": rules.String,
	},
	Required: []string{"version", "apiVersion", "kind", "id", "status"},
	Closed:   true,
}

// Validate checks a parsed contract against the ODCS v3.1 rules. It returns
// nil or a *rules.Error listing every violation by field path.
func Validate(doc *rules.Document) error {
	if _, ok := doc.Value.(map[string]any); !ok {
		return &rules.Error{File: doc.File, Violations: []rules.Violation{{Msg: "a data contract must be a YAML mapping, got " + rules.TypeName(doc.Value)}}}
	}
	return rules.Check(doc, contractRule)
}
