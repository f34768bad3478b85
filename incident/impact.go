package incident

// ImpactLevel grades a loss of confidentiality, integrity or availability,
// or the functional impact of NIST SP 800-61r2 Table 3-2.
type ImpactLevel string

// Impact levels (NIST SP 800-61r2 Table 3-2: None, Low, Medium, High).
const (
	ImpactUnknown ImpactLevel = ""
	ImpactNone    ImpactLevel = "none"
	ImpactLow     ImpactLevel = "low"
	ImpactMedium  ImpactLevel = "medium"
	ImpactHigh    ImpactLevel = "high"
)

// ImpactLevels lists the known levels, lowest first.
func ImpactLevels() []ImpactLevel {
	return []ImpactLevel{ImpactNone, ImpactLow, ImpactMedium, ImpactHigh}
}

// Valid reports whether l is a defined level or unknown.
func (l ImpactLevel) Valid() bool { return l == ImpactUnknown || member(l, ImpactLevels()) }

// InformationImpact is NIST SP 800-61r2 Table 3-3.
type InformationImpact string

// Information impact categories (NIST SP 800-61r2 Table 3-3).
const (
	// InformationNone: no information was exfiltrated, changed, deleted,
	// or otherwise compromised.
	InformationNone InformationImpact = "none"
	// InformationPrivacyBreach: sensitive personally identifiable
	// information was accessed or exfiltrated.
	InformationPrivacyBreach InformationImpact = "privacy_breach"
	// InformationProprietaryBreach: unclassified proprietary information
	// was accessed or exfiltrated.
	InformationProprietaryBreach InformationImpact = "proprietary_breach"
	// InformationIntegrityLoss: sensitive or proprietary information was
	// changed or deleted.
	InformationIntegrityLoss InformationImpact = "integrity_loss"
)

// InformationImpacts lists the defined categories.
func InformationImpacts() []InformationImpact {
	return []InformationImpact{InformationNone, InformationPrivacyBreach, InformationProprietaryBreach, InformationIntegrityLoss}
}

// Valid reports whether i is a defined category.
func (i InformationImpact) Valid() bool { return member(i, InformationImpacts()) }

// Recoverability is NIST SP 800-61r2 Table 3-4 (also the STIX Incident Core
// Extension recoverability-enum).
type Recoverability string

// Recoverability values.
const (
	RecoverabilityUnknown Recoverability = ""
	// RecoverabilityRegular: time to recovery is predictable with existing
	// resources.
	RecoverabilityRegular Recoverability = "regular"
	// RecoverabilitySupplemented: predictable with additional resources.
	RecoverabilitySupplemented Recoverability = "supplemented"
	// RecoverabilityExtended: unpredictable; outside help is needed.
	RecoverabilityExtended Recoverability = "extended"
	// RecoverabilityNotRecoverable: recovery is not possible.
	RecoverabilityNotRecoverable Recoverability = "not_recoverable"
)

// Recoverabilities lists the defined values, best first.
func Recoverabilities() []Recoverability {
	return []Recoverability{RecoverabilityRegular, RecoverabilitySupplemented, RecoverabilityExtended, RecoverabilityNotRecoverable}
}

// Valid reports whether r is defined or unknown.
func (r Recoverability) Valid() bool {
	return r == RecoverabilityUnknown || member(r, Recoverabilities())
}

// Criticality is the business criticality of an asset or service.
type Criticality string

// Criticality levels. "critical" matches DORA's "critical or important
// function" (Art. 3(22)) and NIS2's essential services.
const (
	CriticalityUnknown Criticality = ""
	CriticalityLow     Criticality = "low"
	CriticalityMedium  Criticality = "medium"
	CriticalityHigh    Criticality = "high"
	CriticalityCrit    Criticality = "critical"
)

// Criticalities lists the defined levels, lowest first.
func Criticalities() []Criticality {
	return []Criticality{CriticalityLow, CriticalityMedium, CriticalityHigh, CriticalityCrit}
}

// Valid reports whether c is defined or unknown.
func (c Criticality) Valid() bool { return c == CriticalityUnknown || member(c, Criticalities()) }

// Asset is an affected asset (a host, an application, a data store).
type Asset struct {
	ID          string      `json:"id"`
	Name        string      `json:"name,omitempty"`
	Kind        string      `json:"kind,omitempty"` // host's vocabulary: server, laptop, database, …
	Criticality Criticality `json:"criticality,omitempty"`
}

// Service is an affected business service.
type Service struct {
	Name        string      `json:"name"`
	Criticality Criticality `json:"criticality,omitempty"`
	// Function names the critical or important function it supports
	// (DORA Art. 3(22)), when it does.
	Function string `json:"function,omitempty"`
}

// IsZero reports whether nothing is known about the impact (empty lists
// count as nothing), so JSON omits it.
func (im *Impact) IsZero() bool {
	return im.Confidentiality == "" && im.Integrity == "" && im.Availability == "" && im.Functional == "" &&
		len(im.Information) == 0 && im.Recoverability == "" && len(im.Assets) == 0 && len(im.Services) == 0 && im.Cost == nil
}

// Impact describes the harm: the C/I/A attributes, the NIST SP 800-61r2
// functional and information impact and recoverability, what was affected
// and what it cost.
type Impact struct {
	Confidentiality ImpactLevel         `json:"confidentiality,omitempty"`
	Integrity       ImpactLevel         `json:"integrity,omitempty"`
	Availability    ImpactLevel         `json:"availability,omitempty"`
	Functional      ImpactLevel         `json:"functional,omitempty"`
	Information     []InformationImpact `json:"information,omitempty"`
	Recoverability  Recoverability      `json:"recoverability,omitempty"`
	Assets          []Asset             `json:"assets,omitempty"`
	Services        []Service           `json:"services,omitempty"`
	// Cost is the cost of handling and losses, as far as known; the
	// regulatory figure with its history is Facts.EconomicImpact.
	Cost *Money `json:"cost,omitempty"`
}
