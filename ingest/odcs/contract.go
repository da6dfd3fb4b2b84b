package odcs

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Contract is an ODCS v3.1 data contract as typed Go values. Only Decode
// builds one, after the document has passed Validate.
type Contract struct {
	APIVersion               string                    `json:"apiVersion"`
	Kind                     string                    `json:"kind"`
	ID                       string                    `json:"id"`
	Name                     string                    `json:"name"`
	Version                  string                    `json:"version"`
	Status                   string                    `json:"status"`
	Tenant                   string                    `json:"tenant"`
	Domain                   string                    `json:"domain"`
	DataProduct              string                    `json:"dataProduct"`
	Tags                     []string                  `json:"tags"`
	Description              *Description              `json:"description"`
	Servers                  []Server                  `json:"servers"`
	Schema                   []SchemaObject            `json:"schema"`
	Support                  []SupportChannel          `json:"support"`
	Team                     *Team                     `json:"team"`
	SLAProperties            []SLAProperty             `json:"slaProperties"`
	AuthoritativeDefinitions []AuthoritativeDefinition `json:"authoritativeDefinitions"`
	CustomProperties         []CustomProperty          `json:"customProperties"`
	ContractCreatedTs        string                    `json:"contractCreatedTs"`
}

// Description is the contract's high-level description.
type Description struct {
	Purpose                  string                    `json:"purpose"`
	Usage                    string                    `json:"usage"`
	Limitations              string                    `json:"limitations"`
	AuthoritativeDefinitions []AuthoritativeDefinition `json:"authoritativeDefinitions"`
	CustomProperties         []CustomProperty          `json:"customProperties"`
}

// AuthoritativeDefinition links an element to a definition elsewhere. Two
// types carry meaning for kplane: "canonical" (top level: the contract's own
// IRI) and "businessDefinition" (the IRI of the business concept an element
// represents).
type AuthoritativeDefinition struct {
	Type        string `json:"type"`
	URL         string `json:"url"`
	Description string `json:"description"`
}

// CustomProperty is a free-form property; Value may be any YAML value.
type CustomProperty struct {
	Property string `json:"property"`
	Value    any    `json:"value"`
}

// Server is where the contract's data resides. Connection holds every
// type-specific field (host, port, database, location, ...).
type Server struct {
	Server      string
	Type        string
	Environment string
	Description string
	Connection  map[string]any
}

// UnmarshalJSON separates the common server fields from the type-specific
// connection fields.
func (s *Server) UnmarshalJSON(data []byte) error {
	var m map[string]any
	if err := unmarshalNumbers(data, &m); err != nil {
		return err
	}
	take := func(k string) string {
		v, _ := m[k].(string)
		delete(m, k)
		return v
	}
	s.Server, s.Type, s.Environment, s.Description = take("server"), take("type"), take("environment"), take("description")
	delete(m, "id")
	delete(m, "roles")
	delete(m, "customProperties")
	s.Connection = m
	return nil
}

// SchemaObject is one entity of the contract's schema (a table, a topic, a
// file).
type SchemaObject struct {
	Element
	LogicalType                string         `json:"logicalType"`
	PhysicalName               string         `json:"physicalName"`
	DataGranularityDescription string         `json:"dataGranularityDescription"`
	Properties                 []Property     `json:"properties"`
	Quality                    []QualityRule  `json:"quality"`
	Relationships              []Relationship `json:"relationships"`
}

// Element holds the fields every schema object and property has.
type Element struct {
	ID                       string                    `json:"id"`
	Name                     string                    `json:"name"`
	PhysicalType             string                    `json:"physicalType"`
	Description              string                    `json:"description"`
	BusinessName             string                    `json:"businessName"`
	AuthoritativeDefinitions []AuthoritativeDefinition `json:"authoritativeDefinitions"`
	Tags                     []string                  `json:"tags"`
	CustomProperties         []CustomProperty          `json:"customProperties"`
}

// Property is one attribute of a schema object, or the item of an array
// property.
type Property struct {
	Element
	LogicalType          string         `json:"logicalType"`
	LogicalTypeOptions   map[string]any `json:"logicalTypeOptions"`
	PhysicalName         string         `json:"physicalName"`
	PrimaryKey           bool           `json:"primaryKey"`
	PrimaryKeyPosition   *int           `json:"primaryKeyPosition"`
	Required             bool           `json:"required"`
	Unique               bool           `json:"unique"`
	Partitioned          bool           `json:"partitioned"`
	PartitionKeyPosition *int           `json:"partitionKeyPosition"`
	Classification       string         `json:"classification"`
	CriticalDataElement  bool           `json:"criticalDataElement"`
	Properties           []Property     `json:"properties"`
	Items                *Property      `json:"items"`
	Quality              []QualityRule  `json:"quality"`
	Relationships        []Relationship `json:"relationships"`
}

// Relationship is a foreign key between properties.
type Relationship struct {
	Type string `json:"type"`
	From any    `json:"from"`
	To   any    `json:"to"`
}

// QualityRule is a data quality check. Exactly one comparison operator is
// set for library and sql rules; Operator and Threshold report it.
type QualityRule struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	Description    string `json:"description"`
	Type           string `json:"type"`
	Metric         string `json:"metric"`
	Rule           string `json:"rule"`
	Query          string `json:"query"`
	Engine         string `json:"engine"`
	Implementation any    `json:"implementation"`
	Dimension      string `json:"dimension"`
	Method         string `json:"method"`
	Severity       string `json:"severity"`
	BusinessImpact string `json:"businessImpact"`
	Unit           string `json:"unit"`
	Schedule       string `json:"schedule"`
	Scheduler      string `json:"scheduler"`

	Operator  string // the ODCS operator name, such as mustBeLessThan
	Threshold any    // its operand: a number, a string, or a two-element list for ranges
}

// UnmarshalJSON decodes a quality rule and picks out its operator.
func (q *QualityRule) UnmarshalJSON(data []byte) error {
	type plain QualityRule
	if err := unmarshalNumbers(data, (*plain)(q)); err != nil {
		return err
	}
	var m map[string]any
	if err := unmarshalNumbers(data, &m); err != nil {
		return err
	}
	for _, op := range operatorNames {
		if v, ok := m[op]; ok {
			q.Operator, q.Threshold = op, v
			break
		}
	}
	return nil
}

// Team is the group that owns the contract. The deprecated ODCS form, a
// bare list of members, decodes into Members.
type Team struct {
	Name        string       `json:"name"`
	Description string       `json:"description"`
	Members     []TeamMember `json:"members"`
}

// UnmarshalJSON accepts both the team object and the list of members.
func (t *Team) UnmarshalJSON(data []byte) error {
	if len(data) > 0 && data[0] == '[' {
		return unmarshalNumbers(data, &t.Members)
	}
	type plain Team
	return unmarshalNumbers(data, (*plain)(t))
}

// TeamMember is a person in the team.
type TeamMember struct {
	Username string `json:"username"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	DateIn   string `json:"dateIn"`
	DateOut  string `json:"dateOut"`
}

// SLAProperty is one service-level objective.
type SLAProperty struct {
	Property    string `json:"property"`
	Value       any    `json:"value"`
	Unit        string `json:"unit"`
	Element     string `json:"element"`
	Driver      string `json:"driver"`
	Description string `json:"description"`
	Schedule    string `json:"schedule"`
	Scheduler   string `json:"scheduler"`
}

// SupportChannel is a way to get help with the data.
type SupportChannel struct {
	Channel     string `json:"channel"`
	URL         string `json:"url"`
	Tool        string `json:"tool"`
	Scope       string `json:"scope"`
	Description string `json:"description"`
}

// unmarshalNumbers decodes JSON keeping numbers as json.Number, so integers
// and decimals stay distinguishable when they become literals.
func unmarshalNumbers(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("decoding contract: %w", err)
	}
	return nil
}
