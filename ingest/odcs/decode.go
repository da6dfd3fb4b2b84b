package odcs

import (
	"fmt"
	"math"
	"strings"
)

// The functions below turn the generic value of a contract that has passed
// Validate into a Contract. They read the values the YAML parser produced
// directly: the rules have already checked every field's type, so a value
// of an unexpected type can only come from a field the rules do not close
// (see Description) and is ignored like an absent one.

// mapping is one decoded YAML mapping.
type mapping map[string]any

// str returns the string field name, or "" when it is absent.
func (o mapping) str(name string) string {
	s, _ := o[name].(string)
	return s
}

// flag returns the boolean field name, or false when it is absent.
func (o mapping) flag(name string) bool {
	b, _ := o[name].(bool)
	return b
}

// strings returns the array of strings name.
func (o mapping) strings(name string) []string {
	list, _ := o[name].([]any)
	if len(list) == 0 {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, v := range list {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// objects returns the mappings of the array name.
func (o mapping) objects(name string) []mapping {
	list, _ := o[name].([]any)
	if len(list) == 0 {
		return nil
	}
	out := make([]mapping, 0, len(list))
	for _, v := range list {
		if m, ok := v.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// position returns the integer field name; nil when it is absent. The rules
// admit any number without a fractional part.
func (o mapping) position(name string) (*int, error) {
	v, ok := o[name]
	if !ok || v == nil {
		return nil, nil
	}
	var n int
	switch v := v.(type) {
	case int:
		n = v
	case int64:
		n = int(v)
	case uint64:
		if v > math.MaxInt {
			return nil, fmt.Errorf("%s: %d is too large", name, v)
		}
		n = int(v)
	case float64:
		if v != math.Trunc(v) || math.Abs(v) > 1<<53 {
			return nil, fmt.Errorf("%s: %v is not an integer", name, v)
		}
		n = int(v)
	default:
		return nil, nil
	}
	return &n, nil
}

// folded returns the field whose name equals name case-insensitively,
// preferring the exact spelling. Only the description is read this way:
// it is the one open object of the contract, whose fields have always been
// matched regardless of case.
func (o mapping) folded(name string) any {
	if v, ok := o[name]; ok {
		return v
	}
	var found string
	var v any
	for k, kv := range o {
		if strings.EqualFold(k, name) && (found == "" || k > found) {
			found, v = k, kv
		}
	}
	return v
}

// contractOf builds the Contract from the root mapping of a valid
// document.
func contractOf(root map[string]any) (*Contract, error) {
	o := mapping(root)
	c := &Contract{
		APIVersion:               o.str("apiVersion"),
		Kind:                     o.str("kind"),
		ID:                       o.str("id"),
		Name:                     o.str("name"),
		Version:                  o.str("version"),
		Status:                   o.str("status"),
		Tenant:                   o.str("tenant"),
		Domain:                   o.str("domain"),
		DataProduct:              o.str("dataProduct"),
		Tags:                     o.strings("tags"),
		AuthoritativeDefinitions: definitionsOf(o),
		CustomProperties:         customPropertiesOf(o),
		ContractCreatedTs:        o.str("contractCreatedTs"),
	}
	if d, ok := o["description"].(map[string]any); ok {
		c.Description = descriptionOf(d)
	}
	for _, s := range o.objects("servers") {
		c.Servers = append(c.Servers, serverOf(s))
	}
	for i, s := range o.objects("schema") {
		obj, err := schemaObjectOf(s, fmt.Sprintf("schema[%d]", i))
		if err != nil {
			return nil, err
		}
		c.Schema = append(c.Schema, obj)
	}
	for _, s := range o.objects("support") {
		c.Support = append(c.Support, SupportChannel{
			Channel: s.str("channel"), URL: s.str("url"), Tool: s.str("tool"),
			Scope: s.str("scope"), Description: s.str("description"),
		})
	}
	switch t := o["team"].(type) {
	case map[string]any:
		team := mapping(t)
		c.Team = &Team{Name: team.str("name"), Description: team.str("description"), Members: membersOf(team.objects("members"))}
	case []any:
		c.Team = &Team{Members: membersOf(o.objects("team"))}
	}
	for _, s := range o.objects("slaProperties") {
		c.SLAProperties = append(c.SLAProperties, SLAProperty{
			Property: s.str("property"), Value: s["value"], Unit: s.str("unit"),
			Element: s.str("element"), Driver: s.str("driver"), Description: s.str("description"),
			Schedule: s.str("schedule"), Scheduler: s.str("scheduler"),
		})
	}
	return c, nil
}

func descriptionOf(d mapping) *Description {
	str := func(name string) string {
		s, _ := d.folded(name).(string)
		return s
	}
	list := func(name string) mapping {
		return mapping{name: d.folded(name)}
	}
	return &Description{
		Purpose:                  str("purpose"),
		Usage:                    str("usage"),
		Limitations:              str("limitations"),
		AuthoritativeDefinitions: definitionsOf(list("authoritativeDefinitions")),
		CustomProperties:         customPropertiesOf(list("customProperties")),
	}
}

func definitionsOf(o mapping) []AuthoritativeDefinition {
	defs := o.objects("authoritativeDefinitions")
	if len(defs) == 0 {
		return nil
	}
	out := make([]AuthoritativeDefinition, len(defs))
	for i, d := range defs {
		out[i] = AuthoritativeDefinition{Type: d.str("type"), URL: d.str("url"), Description: d.str("description")}
	}
	return out
}

func customPropertiesOf(o mapping) []CustomProperty {
	props := o.objects("customProperties")
	if len(props) == 0 {
		return nil
	}
	out := make([]CustomProperty, len(props))
	for i, p := range props {
		out[i] = CustomProperty{Property: p.str("property"), Value: p["value"]}
	}
	return out
}

// serverCommon are the server fields that are not connection settings.
var serverCommon = map[string]bool{
	"server": true, "type": true, "environment": true, "description": true,
	"id": true, "roles": true, "customProperties": true,
}

func serverOf(o mapping) Server {
	s := Server{Server: o.str("server"), Type: o.str("type"), Environment: o.str("environment"), Description: o.str("description")}
	s.Connection = make(map[string]any, len(o))
	for k, v := range o {
		if !serverCommon[k] {
			s.Connection[k] = v
		}
	}
	return s
}

func elementOf(o mapping) Element {
	return Element{
		ID:                       o.str("id"),
		Name:                     o.str("name"),
		PhysicalType:             o.str("physicalType"),
		Description:              o.str("description"),
		BusinessName:             o.str("businessName"),
		AuthoritativeDefinitions: definitionsOf(o),
		Tags:                     o.strings("tags"),
		CustomProperties:         customPropertiesOf(o),
	}
}

// schemaObjectOf decodes the schema object at path.
func schemaObjectOf(o mapping, path string) (SchemaObject, error) {
	obj := SchemaObject{
		Element:                    elementOf(o),
		LogicalType:                o.str("logicalType"),
		PhysicalName:               o.str("physicalName"),
		DataGranularityDescription: o.str("dataGranularityDescription"),
		Quality:                    qualityOf(o),
		Relationships:              relationshipsOf(o),
	}
	var err error
	obj.Properties, err = propertiesOf(o, path)
	return obj, err
}

// propertiesOf decodes the properties of the element at path.
func propertiesOf(o mapping, path string) ([]Property, error) {
	props := o.objects("properties")
	if len(props) == 0 {
		return nil, nil
	}
	out := make([]Property, len(props))
	for i, p := range props {
		var err error
		if out[i], err = propertyOf(p, fmt.Sprintf("%s.properties[%d]", path, i)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// propertyOf decodes the property at path.
func propertyOf(o mapping, path string) (Property, error) {
	p := Property{
		Element:             elementOf(o),
		LogicalType:         o.str("logicalType"),
		PhysicalName:        o.str("physicalName"),
		PrimaryKey:          o.flag("primaryKey"),
		Required:            o.flag("required"),
		Unique:              o.flag("unique"),
		Partitioned:         o.flag("partitioned"),
		Classification:      o.str("classification"),
		CriticalDataElement: o.flag("criticalDataElement"),
		Quality:             qualityOf(o),
		Relationships:       relationshipsOf(o),
	}
	if opts, ok := o["logicalTypeOptions"].(map[string]any); ok {
		p.LogicalTypeOptions = opts
	}
	var err error
	if p.PrimaryKeyPosition, err = o.position("primaryKeyPosition"); err != nil {
		return Property{}, fmt.Errorf("%s.%w", path, err)
	}
	if p.PartitionKeyPosition, err = o.position("partitionKeyPosition"); err != nil {
		return Property{}, fmt.Errorf("%s.%w", path, err)
	}
	if p.Properties, err = propertiesOf(o, path); err != nil {
		return Property{}, err
	}
	if items, ok := o["items"].(map[string]any); ok {
		item, err := propertyOf(items, path+".items")
		if err != nil {
			return Property{}, err
		}
		p.Items = &item
	}
	return p, nil
}

func relationshipsOf(o mapping) []Relationship {
	rels := o.objects("relationships")
	if len(rels) == 0 {
		return nil
	}
	out := make([]Relationship, len(rels))
	for i, r := range rels {
		out[i] = Relationship{Type: r.str("type"), From: r["from"], To: r["to"]}
	}
	return out
}

func qualityOf(o mapping) []QualityRule {
	rules := o.objects("quality")
	if len(rules) == 0 {
		return nil
	}
	out := make([]QualityRule, len(rules))
	for i, r := range rules {
		q := QualityRule{
			ID: r.str("id"), Name: r.str("name"), Description: r.str("description"),
			Type: r.str("type"), Metric: r.str("metric"), Rule: r.str("rule"),
			Query: r.str("query"), Engine: r.str("engine"), Implementation: r["implementation"],
			Dimension: r.str("dimension"), Method: r.str("method"), Severity: r.str("severity"),
			BusinessImpact: r.str("businessImpact"), Unit: r.str("unit"),
			Schedule: r.str("schedule"), Scheduler: r.str("scheduler"),
		}
		for _, op := range operatorNames {
			if v, ok := r[op]; ok {
				q.Operator, q.Threshold = op, v
				break
			}
		}
		out[i] = q
	}
	return out
}

func membersOf(list []mapping) []TeamMember {
	if len(list) == 0 {
		return nil
	}
	out := make([]TeamMember, len(list))
	for i, m := range list {
		out[i] = TeamMember{
			Username: m.str("username"), Name: m.str("name"), Role: m.str("role"),
			DateIn: m.str("dateIn"), DateOut: m.str("dateOut"),
		}
	}
	return out
}
