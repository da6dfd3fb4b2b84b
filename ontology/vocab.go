// Package ontology holds the vocabularies kplane describes data with: the
// IRIs of the standard vocabularies it maps data products, glossaries and
// logical models to, and the kplane vocabulary (kplane.ttl) for the few terms
// they lack.
package ontology

// SKOS, the Simple Knowledge Organization System: glossaries and the
// mappings between their concepts.
const (
	SKOSNS = "http://www.w3.org/2004/02/skos/core#"

	SKOSConcept       = SKOSNS + "Concept"
	SKOSConceptScheme = SKOSNS + "ConceptScheme"
	SKOSCollection    = SKOSNS + "Collection"

	SKOSPrefLabel     = SKOSNS + "prefLabel"
	SKOSAltLabel      = SKOSNS + "altLabel"
	SKOSHiddenLabel   = SKOSNS + "hiddenLabel"
	SKOSDefinition    = SKOSNS + "definition"
	SKOSScopeNote     = SKOSNS + "scopeNote"
	SKOSNote          = SKOSNS + "note"
	SKOSNotation      = SKOSNS + "notation"
	SKOSInScheme      = SKOSNS + "inScheme"
	SKOSHasTopConcept = SKOSNS + "hasTopConcept"
	SKOSTopConceptOf  = SKOSNS + "topConceptOf"
	SKOSMember        = SKOSNS + "member"

	SKOSBroader            = SKOSNS + "broader"
	SKOSNarrower           = SKOSNS + "narrower"
	SKOSBroaderTransitive  = SKOSNS + "broaderTransitive"
	SKOSNarrowerTransitive = SKOSNS + "narrowerTransitive"
	SKOSRelated            = SKOSNS + "related"

	SKOSExactMatch   = SKOSNS + "exactMatch"
	SKOSCloseMatch   = SKOSNS + "closeMatch"
	SKOSBroadMatch   = SKOSNS + "broadMatch"
	SKOSNarrowMatch  = SKOSNS + "narrowMatch"
	SKOSRelatedMatch = SKOSNS + "relatedMatch"
)

// DCAT 3, the Data Catalog Vocabulary: datasets, distributions and the
// services that give access to them.
const (
	DCATNS = "http://www.w3.org/ns/dcat#"

	DCATCatalog      = DCATNS + "Catalog"
	DCATDataset      = DCATNS + "Dataset"
	DCATDistribution = DCATNS + "Distribution"
	DCATDataService  = DCATNS + "DataService"
	DCATResource     = DCATNS + "Resource"

	DCATTheme               = DCATNS + "theme"
	DCATKeyword             = DCATNS + "keyword"
	DCATEndpointURL         = DCATNS + "endpointURL"
	DCATEndpointDescription = DCATNS + "endpointDescription"
	DCATAccessService       = DCATNS + "accessService"
	DCATServesDataset       = DCATNS + "servesDataset"
	DCATDistributionProp    = DCATNS + "distribution"
	DCATContactPoint        = DCATNS + "contactPoint"
	DCATVersion             = DCATNS + "version"
	DCATLandingPage         = DCATNS + "landingPage"
	DCATMediaType           = DCATNS + "mediaType"
)

// DCMI Metadata Terms.
const (
	DCTermsNS = "http://purl.org/dc/terms/"

	DCTermsStandard = DCTermsNS + "Standard"

	DCTermsTitle       = DCTermsNS + "title"
	DCTermsDescription = DCTermsNS + "description"
	DCTermsIdentifier  = DCTermsNS + "identifier"
	DCTermsSubject     = DCTermsNS + "subject"
	DCTermsConformsTo  = DCTermsNS + "conformsTo"
	DCTermsFormat      = DCTermsNS + "format"
	DCTermsCreated     = DCTermsNS + "created"
	DCTermsModified    = DCTermsNS + "modified"
	DCTermsIssued      = DCTermsNS + "issued"
	DCTermsPublisher   = DCTermsNS + "publisher"
	DCTermsCreator     = DCTermsNS + "creator"
	DCTermsSource      = DCTermsNS + "source"
	DCTermsLicense     = DCTermsNS + "license"
	DCTermsRights      = DCTermsNS + "rights"
	DCTermsType        = DCTermsNS + "type"
	DCTermsHasVersion  = DCTermsNS + "hasVersion"
)

// DPROD, the Data Product Ontology of the EKGF, built on DCAT 3.
const (
	DPRODNS = "https://ekgf.github.io/dprod/"

	// DPRODLifecycleStatusNS is the namespace of DPROD's controlled list of
	// lifecycle statuses (DPRODIdeation ... DPRODConsume).
	DPRODLifecycleStatusNS = DPRODNS + "data/lifecycle-status/"

	DPRODDataProduct                          = DPRODNS + "DataProduct"
	DPRODDataProductLifecycleStatus           = DPRODNS + "DataProductLifecycleStatus"
	DPRODInformationSensitivityClassification = DPRODNS + "InformationSensitivityClassification"

	DPRODInputPort                                = DPRODNS + "inputPort"
	DPRODOutputPort                               = DPRODNS + "outputPort"
	DPRODIsAccessServiceOf                        = DPRODNS + "isAccessServiceOf"
	DPRODIsDistributionOf                         = DPRODNS + "isDistributionOf"
	DPRODLifecycleStatus                          = DPRODNS + "lifecycleStatus"
	DPRODDataProductOwner                         = DPRODNS + "dataProductOwner"
	DPRODDomain                                   = DPRODNS + "domain"
	DPRODPurpose                                  = DPRODNS + "purpose"
	DPRODInformationSensitivityClassificationProp = DPRODNS + "informationSensitivityClassification"

	DPRODIdeation = DPRODLifecycleStatusNS + "Ideation"
	DPRODDesign   = DPRODLifecycleStatusNS + "Design"
	DPRODBuild    = DPRODLifecycleStatusNS + "Build"
	DPRODDeploy   = DPRODLifecycleStatusNS + "Deploy"
	DPRODConsume  = DPRODLifecycleStatusNS + "Consume"
)

// PROV-O, the W3C provenance ontology: lineage and agents.
const (
	PROVNS = "http://www.w3.org/ns/prov#"

	PROVEntity       = PROVNS + "Entity"
	PROVActivity     = PROVNS + "Activity"
	PROVAgent        = PROVNS + "Agent"
	PROVPerson       = PROVNS + "Person"
	PROVOrganization = PROVNS + "Organization"

	PROVWasDerivedFrom    = PROVNS + "wasDerivedFrom"
	PROVWasAttributedTo   = PROVNS + "wasAttributedTo"
	PROVWasGeneratedBy    = PROVNS + "wasGeneratedBy"
	PROVUsed              = PROVNS + "used"
	PROVGeneratedAtTime   = PROVNS + "generatedAtTime"
	PROVWasAssociatedWith = PROVNS + "wasAssociatedWith"
)

// SHACL, the Shapes Constraint Language: logical models.
const (
	SHNS = "http://www.w3.org/ns/shacl#"

	SHNodeShape     = SHNS + "NodeShape"
	SHPropertyShape = SHNS + "PropertyShape"

	SHProperty     = SHNS + "property"
	SHPath         = SHNS + "path"
	SHName         = SHNS + "name"
	SHDescription  = SHNS + "description"
	SHDatatype     = SHNS + "datatype"
	SHClass        = SHNS + "class"
	SHNode         = SHNS + "node"
	SHNodeKind     = SHNS + "nodeKind"
	SHMinCount     = SHNS + "minCount"
	SHMaxCount     = SHNS + "maxCount"
	SHMinLength    = SHNS + "minLength"
	SHMaxLength    = SHNS + "maxLength"
	SHPattern      = SHNS + "pattern"
	SHMinInclusive = SHNS + "minInclusive"
	SHMaxInclusive = SHNS + "maxInclusive"
	SHMinExclusive = SHNS + "minExclusive"
	SHMaxExclusive = SHNS + "maxExclusive"
	SHIn           = SHNS + "in"
	SHOrder        = SHNS + "order"
	SHTargetClass  = SHNS + "targetClass"
	SHDeactivated  = SHNS + "deactivated"
)

// The W3C Organization Ontology: teams and their members.
const (
	ORGNS = "http://www.w3.org/ns/org#"

	ORGOrganization       = ORGNS + "Organization"
	ORGFormalOrganization = ORGNS + "FormalOrganization"
	ORGOrganizationalUnit = ORGNS + "OrganizationalUnit"
	ORGMembership         = ORGNS + "Membership"
	ORGRole               = ORGNS + "Role"

	ORGMemberOf         = ORGNS + "memberOf"
	ORGHasMember        = ORGNS + "hasMember"
	ORGHasUnit          = ORGNS + "hasUnit"
	ORGUnitOf           = ORGNS + "unitOf"
	ORGMember           = ORGNS + "member"
	ORGOrganizationProp = ORGNS + "organization"
	ORGRoleProp         = ORGNS + "role"
	ORGMemberDuring     = ORGNS + "memberDuring"
)

// ODRL, the Open Digital Rights Language: usage policies.
const (
	ODRLNS = "http://www.w3.org/ns/odrl/2/"

	ODRLPolicy      = ODRLNS + "Policy"
	ODRLHasPolicy   = ODRLNS + "hasPolicy"
	ODRLPermission  = ODRLNS + "permission"
	ODRLProhibition = ODRLNS + "prohibition"
)

// RDFS and OWL terms the importers and the discovery code use; the
// namespaces themselves are in package rdf.
const (
	RDFSLabel         = "http://www.w3.org/2000/01/rdf-schema#label"
	RDFSComment       = "http://www.w3.org/2000/01/rdf-schema#comment"
	RDFSSeeAlso       = "http://www.w3.org/2000/01/rdf-schema#seeAlso"
	RDFSIsDefinedBy   = "http://www.w3.org/2000/01/rdf-schema#isDefinedBy"
	RDFSSubClassOf    = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
	RDFSSubPropertyOf = "http://www.w3.org/2000/01/rdf-schema#subPropertyOf"
	RDFSDomain        = "http://www.w3.org/2000/01/rdf-schema#domain"
	RDFSRange         = "http://www.w3.org/2000/01/rdf-schema#range"
	RDFValue          = "http://www.w3.org/1999/02/22-rdf-syntax-ns#value"

	OWLOntology        = "http://www.w3.org/2002/07/owl#Ontology"
	OWLClass           = "http://www.w3.org/2002/07/owl#Class"
	OWLSameAs          = "http://www.w3.org/2002/07/owl#sameAs"
	OWLEquivalentClass = "http://www.w3.org/2002/07/owl#equivalentClass"
	OWLVersionInfo     = "http://www.w3.org/2002/07/owl#versionInfo"
)

// The kplane vocabulary (kplane.ttl): terms no standard vocabulary has.
const (
	KplaneNS = "https://kplane.dev/ns#"

	// Business domains and ownership.
	KplaneDomain      = KplaneNS + "Domain"
	KplaneOwnerTeam   = KplaneNS + "ownerTeam"
	KplaneOwnerDomain = KplaneNS + "ownerDomain"
	KplaneSteward     = KplaneNS + "steward"

	// Classification of data.
	KplaneClassification     = KplaneNS + "Classification"
	KplaneClassificationProp = KplaneNS + "classification"
	KplanePublic             = KplaneNS + "Public"
	KplaneInternal           = KplaneNS + "Internal"
	KplaneConfidential       = KplaneNS + "Confidential"
	KplanePII                = KplaneNS + "PII"
	KplaneClassificationName = KplaneNS + "classificationName"

	// Logical models: attributes of SHACL property shapes.
	KplaneIsKey                 = KplaneNS + "isKey"
	KplaneKeyPosition           = KplaneNS + "keyPosition"
	KplaneIsUnique              = KplaneNS + "isUnique"
	KplaneIsCriticalDataElement = KplaneNS + "isCriticalDataElement"
	KplanePartitionKeyPosition  = KplaneNS + "partitionKeyPosition"
	KplaneLogicalType           = KplaneNS + "logicalType"
	KplanePhysicalName          = KplaneNS + "physicalName"
	KplanePhysicalType          = KplaneNS + "physicalType"

	// Data product lifecycle.
	KplaneRetired = KplaneNS + "Retired"

	// Data contracts (ODCS).
	KplaneDataContract    = KplaneNS + "DataContract"
	KplaneContractStatus  = KplaneNS + "contractStatus"
	KplaneDataProductName = KplaneNS + "dataProductName"
	KplaneDomainName      = KplaneNS + "domainName"
	KplaneTenant          = KplaneNS + "tenant"
	KplaneUsage           = KplaneNS + "usage"
	KplaneLimitations     = KplaneNS + "limitations"

	// Data quality rules of contracts and their schema elements.
	KplaneQualityRule     = KplaneNS + "QualityRule"
	KplaneQualityRuleProp = KplaneNS + "qualityRule"
	KplaneRuleType        = KplaneNS + "ruleType"
	KplaneRule            = KplaneNS + "rule"
	KplaneQuery           = KplaneNS + "query"
	KplaneEngine          = KplaneNS + "engine"
	KplaneImplementation  = KplaneNS + "implementation"
	KplaneOperator        = KplaneNS + "operator"
	KplaneThreshold       = KplaneNS + "threshold"
	KplaneDimension       = KplaneNS + "dimension"
	KplaneSeverity        = KplaneNS + "severity"
	KplaneBusinessImpact  = KplaneNS + "businessImpact"
	KplaneUnit            = KplaneNS + "unit"
	KplaneSchedule        = KplaneNS + "schedule"
	KplaneScheduler       = KplaneNS + "scheduler"

	// Servers, service levels, support channels and free-form settings.
	KplaneServer           = KplaneNS + "Server"
	KplaneServerProp       = KplaneNS + "server"
	KplaneServerType       = KplaneNS + "serverType"
	KplaneEnvironment      = KplaneNS + "environment"
	KplaneSetting          = KplaneNS + "setting"
	KplaneServiceLevel     = KplaneNS + "ServiceLevel"
	KplaneServiceLevelProp = KplaneNS + "serviceLevel"
	KplaneSLAProperty      = KplaneNS + "slaProperty"
	KplaneElement          = KplaneNS + "element"
	KplaneDriver           = KplaneNS + "driver"
	KplaneSupportChannel   = KplaneNS + "supportChannel"
	KplaneTool             = KplaneNS + "tool"
	KplaneCustomProperty   = KplaneNS + "customProperty"

	// Metadata the store keeps about its named graphs.
	KplaneNamedGraph  = KplaneNS + "NamedGraph"
	KplaneSource      = KplaneNS + "source"
	KplaneFormat      = KplaneNS + "format"
	KplaneLoadedAt    = KplaneNS + "loadedAt"
	KplaneModifiedAt  = KplaneNS + "modifiedAt"
	KplaneQuadCount   = KplaneNS + "quadCount"
	KplaneContentHash = KplaneNS + "contentHash"
)
