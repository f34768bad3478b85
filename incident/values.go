package incident

import "strconv"

// Enumerations. Each is a string type so records read from storage keep a
// value this version does not know (lenient reading) while Validate and the
// strict decoder reject it (ErrUnknownValue). The strings are the JSON form.

// Kind names a record kind.
type Kind string

// The record kinds of ISO/IEC 27035-1 (definitions as re-published in
// ISO/IEC 27002:2022 3.1.14, 3.1.15 and 3.1.38).
const (
	// KindEvent is an information security event: an occurrence indicating
	// a possible breach of information security or failure of controls.
	KindEvent Kind = "event"
	// KindIncident is an information security incident: one or multiple
	// related and identified events that can harm the organisation.
	KindIncident Kind = "incident"
	// KindVulnerability is a reported weakness of an asset or control that
	// can be exploited by one or more threats.
	KindVulnerability Kind = "vulnerability"
)

// Valid reports whether k is one of the defined kinds.
func (k Kind) Valid() bool {
	return k == KindEvent || k == KindIncident || k == KindVulnerability
}

// refPrefix is the prefix of a kind's human reference (INC-2026-000042).
func (k Kind) refPrefix() string {
	switch k {
	case KindEvent:
		return "EVT"
	case KindIncident:
		return "INC"
	case KindVulnerability:
		return "VUL"
	}
	return ""
}

// Outcome is the assessment of what a record turned out to be. It is the one
// outcome type every package uses (triage decides it, metrics counts it,
// lessons studies near misses).
type Outcome string

// Outcomes. The zero value means the record has not been assessed yet.
const (
	// OutcomeUndetermined: not assessed yet (27035-1 assess and decide has
	// not concluded). The JSON form is the empty string or omitted.
	OutcomeUndetermined Outcome = ""
	// OutcomeNotIncident: assessed as not an incident, a false positive
	// (MISP incident-disposition "not-an-incident"; STIX determination
	// "false-positive").
	OutcomeNotIncident Outcome = "not_incident"
	// OutcomeUnderWatch: not an incident yet, kept under observation
	// (27035-1 assess and decide may defer; MISP disposition "deferred").
	OutcomeUnderWatch Outcome = "under_watch"
	// OutcomeNearMiss: an event that could have compromised availability,
	// authenticity, integrity or confidentiality but was prevented from
	// materialising or did not materialise (NIS2 Art. 6(5); VERIS
	// security_incident "Near miss").
	OutcomeNearMiss Outcome = "near_miss"
	// OutcomeIncident: an information security incident (27002:2022 3.1.15).
	OutcomeIncident Outcome = "incident"
)

// Outcomes lists the defined outcomes, the undetermined zero value first.
func Outcomes() []Outcome {
	return []Outcome{OutcomeUndetermined, OutcomeNotIncident, OutcomeUnderWatch, OutcomeNearMiss, OutcomeIncident}
}

// Valid reports whether o is a defined outcome.
func (o Outcome) Valid() bool { return member(o, Outcomes()) }

// ResolutionKind says how a record was resolved. It is kept apart from the
// operational state: a closed incident is closed, and separately a true
// positive with impact (TheHive 5 keeps resolutionStatus and impactStatus
// beside its status in the same way).
type ResolutionKind string

// Resolution kinds.
const (
	// ResolutionTruePositiveWithImpact: real, and it caused harm.
	ResolutionTruePositiveWithImpact ResolutionKind = "true_positive_with_impact"
	// ResolutionTruePositiveWithoutImpact: real, contained before harm.
	ResolutionTruePositiveWithoutImpact ResolutionKind = "true_positive_without_impact"
	// ResolutionFalsePositive: not what it seemed; requires outcome
	// not_incident.
	ResolutionFalsePositive ResolutionKind = "false_positive"
	// ResolutionDuplicate: the same as another record, named in
	// Resolution.DuplicateOf.
	ResolutionDuplicate ResolutionKind = "duplicate"
	// ResolutionNotApplicable: out of scope of incident management (a
	// test, a request that is not a security matter).
	ResolutionNotApplicable ResolutionKind = "not_applicable"
)

// ResolutionKinds lists the defined resolution kinds.
func ResolutionKinds() []ResolutionKind {
	return []ResolutionKind{ResolutionTruePositiveWithImpact, ResolutionTruePositiveWithoutImpact,
		ResolutionFalsePositive, ResolutionDuplicate, ResolutionNotApplicable}
}

// Valid reports whether r is a defined resolution kind.
func (r ResolutionKind) Valid() bool { return member(r, ResolutionKinds()) }

// Phase is one of the five phases of ISO/IEC 27035-1:2023 clause 5. The
// package lifecycle defines the transitions; the values live here so stores
// can filter by them and every package names them the same way.
type Phase string

// The five phases. Clause numbers 5.2 and 5.6 are confirmed by the scope of
// ISO/IEC 27035-2:2023; 5.3 to 5.5 and the middle labels follow the 2016
// edition's order and are unconfirmed for 2023 wording (the machine names do
// not depend on the wording).
const (
	// PhasePlanPrepare: 27035-1:2023 5.2; ISO/IEC 27002:2022 control 5.24.
	PhasePlanPrepare Phase = "plan_prepare"
	// PhaseDetectReport: 27035-1:2023 5.3 [U]; control 6.8.
	PhaseDetectReport Phase = "detect_report"
	// PhaseAssessDecide: 27035-1:2023 5.4 [U]; control 5.25.
	PhaseAssessDecide Phase = "assess_decide"
	// PhaseRespond: 27035-1:2023 5.5 [U]; controls 5.26 and 5.28.
	PhaseRespond Phase = "respond"
	// PhaseLearnLessons: 27035-1:2023 5.6; control 5.27.
	PhaseLearnLessons Phase = "learn_lessons"
)

// Phases lists the five phases in process order.
func Phases() []Phase {
	return []Phase{PhasePlanPrepare, PhaseDetectReport, PhaseAssessDecide, PhaseRespond, PhaseLearnLessons}
}

// Valid reports whether p is one of the five phases.
func (p Phase) Valid() bool { return member(p, Phases()) }

// Ordinal is the phase's position, 1 (plan and prepare) to 5 (learn
// lessons); 0 for an unknown phase.
func (p Phase) Ordinal() int {
	for i, q := range Phases() {
		if p == q {
			return i + 1
		}
	}
	return 0
}

// Clause is the ISO/IEC 27035-1:2023 clause describing the phase.
func (p Phase) Clause() string {
	if n := p.Ordinal(); n > 0 {
		return "ISO/IEC 27035-1:2023 5." + strconv.Itoa(n+1)
	}
	return ""
}

// Label is the phase's English name.
func (p Phase) Label() string {
	switch p {
	case PhasePlanPrepare:
		return "Plan and prepare"
	case PhaseDetectReport:
		return "Detect and report"
	case PhaseAssessDecide:
		return "Assess and decide"
	case PhaseRespond:
		return "Respond"
	case PhaseLearnLessons:
		return "Learn lessons"
	}
	return string(p)
}

// State is an operational state of ISO/IEC 27035-3:2020 (ICT incident
// response operations), nested in a phase, plus the terminal closed state.
type State string

// Operational states with their 27035-3:2020 clauses.
const (
	// StateDetection: 27035-3 clause 7, incident detection operations.
	StateDetection State = "detection"
	// StateReporting: 27035-3 clause 8, incident notification operations
	// (the standard's abstract calls this step "reporting").
	StateReporting State = "reporting"
	// StateTriage: 27035-3 clause 9, incident triage operations.
	StateTriage State = "triage"
	// StateAnalysis: 27035-3 clause 10, incident analysis operations.
	StateAnalysis State = "analysis"
	// StateContainment: 27035-3 clause 11.
	StateContainment State = "containment"
	// StateEradication: 27035-3 clause 11.
	StateEradication State = "eradication"
	// StateRecovery: 27035-3 clause 11.
	StateRecovery State = "recovery"
	// StateConclusion: the concluding step of the 27035-3 abstract,
	// handing over to learn lessons (clause 12 reporting happens here).
	StateConclusion State = "conclusion"
	// StateClosed: handling has ended; reopening leaves it.
	StateClosed State = "closed"
)

// States lists the operational states in process order.
func States() []State {
	return []State{StateDetection, StateReporting, StateTriage, StateAnalysis, StateContainment,
		StateEradication, StateRecovery, StateConclusion, StateClosed}
}

// Valid reports whether s is a defined state.
func (s State) Valid() bool { return member(s, States()) }

// Phases returns the phases a record in state s may be in. Most states
// belong to one phase; analysis continues from assess and decide into
// respond, and a record can be closed from any phase after detection (an
// event closed as a false positive never reaches respond). No state belongs
// to plan and prepare: that phase is the organisation's preparation
// (package prepare), not a place records sit; the loop from learn lessons
// back to it carries lessons, not records. The package lifecycle refines
// this with its transitions.
func (s State) Phases() []Phase {
	switch s {
	case StateDetection, StateReporting:
		return []Phase{PhaseDetectReport}
	case StateTriage:
		return []Phase{PhaseAssessDecide}
	case StateAnalysis:
		return []Phase{PhaseAssessDecide, PhaseRespond}
	case StateContainment, StateEradication, StateRecovery:
		return []Phase{PhaseRespond}
	case StateConclusion:
		return []Phase{PhaseRespond, PhaseLearnLessons}
	case StateClosed:
		return []Phase{PhaseDetectReport, PhaseAssessDecide, PhaseRespond, PhaseLearnLessons}
	}
	return nil
}

// In reports whether state s may be held in phase p.
func (s State) In(p Phase) bool { return member(p, s.Phases()) }

// Priority orders work: P1 is handled first. Triage derives it from an
// impact × urgency matrix; the zero value means not prioritised.
type Priority string

// Priorities, as in the common service-management five-level matrix.
const (
	PriorityNone Priority = ""   // not prioritised yet
	P1           Priority = "P1" // critical
	P2           Priority = "P2" // high
	P3           Priority = "P3" // medium
	P4           Priority = "P4" // low
	P5           Priority = "P5" // planning
)

// Priorities lists P1 to P5, most urgent first.
func Priorities() []Priority { return []Priority{P1, P2, P3, P4, P5} }

// Valid reports whether p is P1–P5 or unset.
func (p Priority) Valid() bool { return p == PriorityNone || member(p, Priorities()) }

// Rank is 1 for P1 … 5 for P5, and 0 when unset or unknown; a lower rank is
// more urgent.
func (p Priority) Rank() int {
	for i, q := range Priorities() {
		if p == q {
			return i + 1
		}
	}
	return 0
}

// TLP is a Traffic Light Protocol 2.0 marking (FIRST, August 2022).
// The JSON form is the lower-case value of the STIX TLP 2.0 extension
// ("amber+strict"); String gives the written form ("TLP:AMBER+STRICT").
type TLP string

// TLP 2.0 labels, least to most restrictive. ParseTLP reads TLP 1.0's WHITE
// as CLEAR; records hold TLP 2.0 values only, so the decoders reject
// "white".
const (
	TLPUnset       TLP = ""
	TLPClear       TLP = "clear"
	TLPGreen       TLP = "green"
	TLPAmber       TLP = "amber"
	TLPAmberStrict TLP = "amber+strict"
	TLPRed         TLP = "red"
)

// TLPs lists the labels from least to most restrictive, the order FIRST's
// rules imply and "most restrictive wins" merging uses.
func TLPs() []TLP { return []TLP{TLPClear, TLPGreen, TLPAmber, TLPAmberStrict, TLPRed} }

// Valid reports whether t is a TLP 2.0 label or unset.
func (t TLP) Valid() bool { return t == TLPUnset || member(t, TLPs()) }

// Rank orders labels: 1 CLEAR … 5 RED; 0 when unset or unknown.
func (t TLP) Rank() int {
	for i, q := range TLPs() {
		if t == q {
			return i + 1
		}
	}
	return 0
}

// String is the written form FIRST prescribes: capitals, no spaces.
func (t TLP) String() string {
	switch t {
	case TLPUnset:
		return ""
	case TLPAmberStrict:
		return "TLP:AMBER+STRICT"
	}
	b := []byte("TLP:" + string(t))
	for i := 4; i < len(b); i++ {
		if b[i] >= 'a' && b[i] <= 'z' {
			b[i] -= 'a' - 'A'
		}
	}
	return string(b)
}

// ParseTLP reads a label in either form ("TLP:AMBER+STRICT", "amber+strict",
// case-insensitive). TLP 1.0 "WHITE" maps to CLEAR, its TLP 2.0 successor.
func ParseTLP(s string) (TLP, error) {
	v := toLowerASCII(s)
	if len(v) >= 4 && v[:4] == "tlp:" {
		v = v[4:]
	}
	if v == "white" {
		return TLPClear, nil
	}
	t := TLP(v)
	if t == TLPUnset || !t.Valid() {
		return TLPUnset, &FieldError{Path: "tlp", Value: s, Rule: RuleEnum, Reason: "not a TLP 2.0 label", Err: ErrUnknownValue}
	}
	return t, nil
}

// Role is an incident-management role a person holds on a record.
type Role string

// Roles of ISO/IEC 27035-1/-2 (IMT and IRT: 27035-2:2023 7.2 and 7.3;
// incident coordinator and coordination team: 27035-4:2024) and the
// further roles NIST SP 800-61r3 names. The point of contact is the 2016
// edition's term, unconfirmed for 2023 wording.
const (
	RoleReporter            Role = "reporter"
	RolePointOfContact      Role = "point_of_contact"
	RoleIncidentManager     Role = "incident_manager"
	RoleIMTMember           Role = "imt_member"
	RoleIRTLead             Role = "irt_lead"
	RoleIRTMember           Role = "irt_member"
	RoleIncidentCoordinator Role = "incident_coordinator"
	RoleCoordinationTeam    Role = "coordination_team"
	RoleLegal               Role = "legal"
	RolePublicAffairs       Role = "public_affairs"
	RoleHumanResources      Role = "human_resources"
	RolePhysicalSecurity    Role = "physical_security"
	RoleAssetOwner          Role = "asset_owner"
	RoleThirdParty          Role = "third_party"
	RoleDataProtection      Role = "data_protection_officer"
)

// Roles lists the defined roles.
func Roles() []Role {
	return []Role{RoleReporter, RolePointOfContact, RoleIncidentManager, RoleIMTMember, RoleIRTLead, RoleIRTMember,
		RoleIncidentCoordinator, RoleCoordinationTeam, RoleLegal, RolePublicAffairs, RoleHumanResources,
		RolePhysicalSecurity, RoleAssetOwner, RoleThirdParty, RoleDataProtection}
}

// Valid reports whether r is a defined role.
func (r Role) Valid() bool { return member(r, Roles()) }

// Single reports whether at most one person holds r at a time on a record:
// a record has one point of contact and one incident manager at any
// moment, handed over with tenure.
func (r Role) Single() bool {
	return r == RolePointOfContact || r == RoleIncidentManager || r == RoleIRTLead || r == RoleIncidentCoordinator
}

// member reports whether v is in set; sets here have at most 15 elements,
// where a scan beats a map and allocates nothing.
func member[T comparable](v T, set []T) bool {
	for _, s := range set {
		if v == s {
			return true
		}
	}
	return false
}

func toLowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
