package incident

import (
	"time"

	"github.com/google/uuid"
)

// Resolution records how a record was resolved, by whom and why. It is
// kept apart from State (a closed record can be a false positive or a true
// positive with impact) and from Outcome.
type Resolution struct {
	Kind ResolutionKind `json:"kind"`
	// DuplicateOf names the primary record when Kind is duplicate.
	DuplicateOf uuid.UUID `json:"duplicate_of,omitzero"`
	SetBy       ActorID   `json:"set_by"`
	SetAt       time.Time `json:"set_at"`
	Reason      string    `json:"reason,omitempty"`
	// ApprovedBy is the second person who approved the close, when the
	// host's rules require one (a critical incident closed by its incident
	// manager, approved by someone else).
	ApprovedBy ActorID `json:"approved_by,omitempty"`
}

// AssessmentStep says which of the two judgements of assess and decide
// an assessment is.
type AssessmentStep string

// Assessment steps (ISO/IEC 27035-1 assess and decide; the 2016 edition
// names the point of contact's first assessment and the incident response
// team's second, confirming one).
const (
	// AssessmentFirst: the point of contact's first assessment of a
	// reported event: is it a possible incident?
	AssessmentFirst AssessmentStep = "first"
	// AssessmentConfirmation: the response team's confirmation that it is
	// (or is not) an incident, and of its classification.
	AssessmentConfirmation AssessmentStep = "confirmation"
)

// Valid reports whether s is a defined step.
func (s AssessmentStep) Valid() bool { return s == AssessmentFirst || s == AssessmentConfirmation }

// Assessment is one judgement of assess and decide: who decided what,
// when, and why.
type Assessment struct {
	Step AssessmentStep `json:"step"`
	By   ActorID        `json:"by"`
	// Role is the role By acted in.
	Role     Role      `json:"role,omitempty"`
	At       time.Time `json:"at"`
	Outcome  Outcome   `json:"outcome"`
	Severity Severity  `json:"severity,omitempty"`
	Priority Priority  `json:"priority,omitempty"`
	Category Category  `json:"category,omitzero"`
	// Rationale says why. ErasePersonalData keeps it: refer to people by
	// ActorID here, never by name.
	Rationale string `json:"rationale,omitempty"`
}

// Obligation is a report owed on an incident under a regime: who must be
// told what, from which start event, by when. The regulatory clocks fill
// it (package triage); lifecycle sets timers from Due; metrics measures
// compliance from Due, LegalEnd and SubmittedAt.
type Obligation struct {
	ID string `json:"id"`
	// Regime is the law or rule: gdpr, nis2, dora, cra, sec, hipaa,
	// circia, or a host's own.
	Regime string `json:"regime"`
	// Report is the kind of report: early_warning, notification,
	// intermediate, final, progress, individuals, media, …
	Report string `json:"report"`
	// Authority is the audience: a supervisory authority, a CSIRT, data
	// subjects, the media.
	Authority string `json:"authority"`
	// StartEvent names what the clock runs from (a timeline anchor such as
	// "aware", or "previous_report_submitted", "calendar_year_end").
	StartEvent string    `json:"start_event"`
	StartAt    time.Time `json:"start_at,omitzero"`
	// Due is the deadline the clock computes: the start plus the period.
	Due time.Time `json:"due"`
	// LegalEnd is the last instant the law still accepts once its counting
	// rules apply (end of day, next working day), never before Due; zero
	// when it equals Due.
	LegalEnd time.Time `json:"legal_end,omitzero"`
	// Article is the legal basis: "GDPR Art. 33(1)".
	Article     string    `json:"article"`
	SubmittedAt time.Time `json:"submitted_at,omitzero"`
	// Waived explains why a computed obligation does not apply (GDPR Art.
	// 33(1): unlikely to result in a risk), with the person who decided.
	Waived   string  `json:"waived,omitempty"`
	WaivedBy ActorID `json:"waived_by,omitempty"`
}

// Deadline is the last acceptable instant: LegalEnd when set, else Due.
func (o *Obligation) Deadline() time.Time {
	if !o.LegalEnd.IsZero() {
		return o.LegalEnd
	}
	return o.Due
}

// ReviewRef names a lessons-learned review done on the record (27035-1:2023
// 5.6), so a close rule can require one without knowing package lessons.
type ReviewRef struct {
	ID          string    `json:"id"`
	CompletedAt time.Time `json:"completed_at"`
	By          ActorID   `json:"by,omitempty"`
}

// LegalHold blocks deletion and erasure of a record while it is set. It is
// a flag with its own who, when and why, not a state: a held incident
// moves through its lifecycle as usual.
type LegalHold struct {
	Since  time.Time `json:"since"`
	By     ActorID   `json:"by"`
	Reason string    `json:"reason"`
}

// DataProtection carries a record's retention and erasure facts.
type DataProtection struct {
	// RetentionCategory selects the period from the host's
	// RetentionSchedule (security_incident, hr_case, …).
	RetentionCategory string `json:"retention_category,omitempty"`
	// LegalHold, when set, blocks deletion and erasure.
	LegalHold *LegalHold `json:"legal_hold,omitempty"`
	// Erasures lists every erasure of personal data done on the record.
	Erasures []Erasure `json:"erasures,omitempty"`
}

// IsZero reports whether nothing is set (empty lists count as nothing),
// so JSON omits it.
func (d *DataProtection) IsZero() bool {
	return d.RetentionCategory == "" && d.LegalHold == nil && len(d.Erasures) == 0
}

// Erasure records one erasure of personal data: the contacts and notes
// whose personal data were removed. Identifiers, digests and timestamps
// stay, so evidence and audit chains still verify.
type Erasure struct {
	At     time.Time `json:"at"`
	By     ActorID   `json:"by"`
	Reason string    `json:"reason"`
	// Contacts and Notes list what was erased.
	Contacts []ActorID `json:"contacts,omitempty"`
	Notes    []string  `json:"notes,omitempty"`
}

// RetentionSchedule maps a retention category to how long a record is kept
// after it is closed. It is the host's policy (GDPR Art. 5(1)(e) storage
// limitation); the SDK computes dates from it, never deletes by itself.
type RetentionSchedule map[string]time.Duration
