package odcs

// Contract is an ODCS v3.1 data contract as typed Go values. Only Decode
// builds one, after the document has passed Validate. Fields of type any
// hold the value as the YAML parser decoded it: a string, a bool, an
// int64 or uint64, a float64, nil, a []any or a map[string]any.
type Contract struct {
	APIVersion               string
	Kind                     string
	ID                       string
	Name                     string
	Version                  string
	Status                   string
	Tenant                   string
	Domain                   string
	DataProduct              string
	Tags                     []string
	Description              *Description
	Servers                  []Server
	Schema                   []SchemaObject
	Support                  []SupportChannel
	Team                     *Team
	SLAProperties            []SLAProperty
	AuthoritativeDefinitions []AuthoritativeDefinition
	CustomProperties         []CustomProperty
	ContractCreatedTs        string
}

// Description is the contract's high-level description.
type Description struct {
	Purpose                  string
	Usage                    string
	Limitations              string
	AuthoritativeDefinitions []AuthoritativeDefinition
	CustomProperties         []CustomProperty
}

// AuthoritativeDefinition links an element to a definition elsewhere. Two
// types carry meaning for kplane: "canonical" (top level: the contract's own
// IRI) and "businessDefinition" (the IRI of the business concept an element
// represents).
type AuthoritativeDefinition struct {
	Type        string
	URL         string
	Description string
}

// CustomProperty is a free-form property; Value may be any YAML value.
type CustomProperty struct {
	Property string
	Value    any
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

// SchemaObject is one entity of the contract's schema (a table, a topic, a
// file).
type SchemaObject struct {
	Element
	LogicalType                string
	PhysicalName               string
	DataGranularityDescription string
	Properties                 []Property
	Quality                    []QualityRule
	Relationships              []Relationship
}

// Element holds the fields every schema object and property has.
type Element struct {
	ID                       string
	Name                     string
	PhysicalType             string
	Description              string
	BusinessName             string
	AuthoritativeDefinitions []AuthoritativeDefinition
	Tags                     []string
	CustomProperties         []CustomProperty
}

// Property is one attribute of a schema object, or the item of an array
// property.
type Property struct {
	Element
	LogicalType          string
	LogicalTypeOptions   map[string]any
	PhysicalName         string
	PrimaryKey           bool
	PrimaryKeyPosition   *int
	Required             bool
	Unique               bool
	Partitioned          bool
	PartitionKeyPosition *int
	Classification       string
	CriticalDataElement  bool
	Properties           []Property
	Items                *Property
	Quality              []QualityRule
	Relationships        []Relationship
}

// Relationship is a foreign key between properties.
type Relationship struct {
	Type string
	From any
	To   any
}

// QualityRule is a data quality check. Exactly one comparison operator is
// set for library and sql rules; Operator and Threshold report it.
type QualityRule struct {
	ID             string
	Name           string
	Description    string
	Type           string
	Metric         string
	Rule           string
	Query          string
	Engine         string
	Implementation any
	Dimension      string
	Method         string
	Severity       string
	BusinessImpact string
	Unit           string
	Schedule       string
	Scheduler      string

	Operator  string // the ODCS operator name, such as mustBeLessThan
	Threshold any    // its operand: a number, a string, or a two-element list for ranges
}

// Team is the group that owns the contract. The deprecated ODCS form, a
// bare list of members, decodes into Members.
type Team struct {
	Name        string
	Description string
	Members     []TeamMember
}

// TeamMember is a person in the team.
type TeamMember struct {
	Username string
	Name     string
	Role     string
	DateIn   string
	DateOut  string
}

// SLAProperty is one service-level objective.
type SLAProperty struct {
	Property    string
	Value       any
	Unit        string
	Element     string
	Driver      string
	Description string
	Schedule    string
	Scheduler   string
}

// SupportChannel is a way to get help with the data.
type SupportChannel struct {
	Channel     string
	URL         string
	Tool        string
	Scope       string
	Description string
}
