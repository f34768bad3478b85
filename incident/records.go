package incident

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// Header is the identity every record carries.
type Header struct {
	// ID is the record's UUID (v7 by default), unique everywhere.
	ID uuid.UUID `json:"id"`
	// Ref is the human reference, unique within Org.
	Ref Ref `json:"ref"`
	// Org is the organisation (tenant) owning the record.
	Org string `json:"org"`
	// OrgUnit is the organisation unit handling it, for breakdowns.
	OrgUnit   string    `json:"org_unit,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Version is the optimistic-concurrency version the store maintains:
	// an update carries the version it read and fails on a newer one.
	Version int64 `json:"version"`
}

// Handling holds what events, incidents and vulnerabilities share: where
// the record stands in the process, how it is classified and marked, and
// who works on it.
type Handling struct {
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Phase       Phase  `json:"phase"`
	State       State  `json:"state"`
	// Status is a host's custom status name, mapped onto State by package
	// lifecycle so that metrics keep working whatever the host calls it.
	Status  string  `json:"status,omitempty"`
	Outcome Outcome `json:"outcome,omitempty"`
	// Assessments are the assess-and-decide judgements made on the
	// record, oldest first: the point of contact's first assessment and
	// the response team's confirmation (27035-1 assess and decide).
	Assessments []Assessment `json:"assessments,omitempty"`
	Resolution  *Resolution  `json:"resolution,omitempty"`
	Severity    Severity     `json:"severity,omitempty"`
	Priority    Priority     `json:"priority,omitempty"`
	// Category is the primary category (breakdowns count it); Categories
	// are further ones.
	Category   Category   `json:"category,omitzero"`
	Categories []Category `json:"categories,omitempty"`
	// Reporter is the actor who reported it (a person or a tool).
	Reporter ActorID          `json:"reporter,omitempty"`
	Contacts []Contact        `json:"contacts,omitempty"`
	Roles    []RoleAssignment `json:"roles,omitempty"`
	Tasks    []Task           `json:"tasks,omitempty"`
	Notes    []Note           `json:"notes,omitempty"`
	Labels   []string         `json:"labels,omitempty"`
	Links    []Link           `json:"links,omitempty"`
	TLP      TLP              `json:"tlp,omitempty"`
	// Restricted limits access to need-to-know within the organisation
	// (an insider or HR case); stores filter on it.
	Restricted     bool           `json:"restricted,omitempty"`
	DataProtection DataProtection `json:"data_protection,omitzero"`
}

// Event is an information security event: an occurrence indicating a
// possible breach of information security or failure of controls (ISO/IEC
// 27002:2022 3.1.14), observed and reported by a person or a tool.
type Event struct {
	Header
	Handling
	// Timeline: detected and reported at least; occurred when known.
	Timeline Timeline `json:"timeline"`
	// DetectionMethod, from the STIX Incident Core Extension
	// detection-methods-ov: automated-tool, user-reporting, …
	DetectionMethod string `json:"detection_method,omitempty"`
	// Source names the detecting tool or channel (an EDR, the service desk).
	Source   string     `json:"source,omitempty"`
	Evidence []Evidence `json:"evidence,omitempty"`
	// IncidentID links the incident this event was escalated into.
	IncidentID uuid.UUID `json:"incident_id,omitzero"`
	// Extra keeps fields this version does not know, from stored records
	// written by a newer minor revision or a host; they are written back.
	Extra map[string]json.RawMessage `json:"-"`
}

// Incident is an information security incident: one or multiple related
// and identified events that can harm the organisation's assets or
// compromise its operations (ISO/IEC 27002:2022 3.1.15).
type Incident struct {
	Header
	Handling
	// EventIDs are the events this incident was assessed from; at least one.
	EventIDs []uuid.UUID `json:"event_ids"`
	// VulnerabilityIDs are weaknesses exploited or found.
	VulnerabilityIDs []uuid.UUID  `json:"vulnerability_ids,omitempty"`
	Timeline         Timeline     `json:"timeline"`
	Facts            Facts        `json:"facts,omitzero"`
	Impact           Impact       `json:"impact,omitzero"`
	Evidence         []Evidence   `json:"evidence,omitempty"`
	Obligations      []Obligation `json:"obligations,omitempty"`
	Reviews          []ReviewRef  `json:"reviews,omitempty"`
	// MergedInto names the primary when this record was merged as a
	// duplicate; Merged lists the duplicates merged into this one.
	MergedInto uuid.UUID   `json:"merged_into,omitzero"`
	Merged     []uuid.UUID `json:"merged,omitempty"`
	// Extra keeps unknown fields of stored records (see Event.Extra).
	Extra map[string]json.RawMessage `json:"-"`
}

// Vulnerability is a reported weakness of an asset or control that can be
// exploited by one or more threats (ISO/IEC 27002:2022 3.1.38, from ISO/IEC
// 27000:2018 3.77).
type Vulnerability struct {
	Header
	Handling
	Timeline Timeline `json:"timeline"`
	// CVEs are CVE identifiers (CVE-2024-3094).
	CVEs []string `json:"cves,omitempty"`
	// CVSS is the score, when one was given.
	CVSS   *CVSS   `json:"cvss,omitempty"`
	Assets []Asset `json:"assets,omitempty"`
	// IncidentIDs are incidents in which it was exploited.
	IncidentIDs []uuid.UUID `json:"incident_ids,omitempty"`
	// Extra keeps unknown fields of stored records (see Event.Extra).
	Extra map[string]json.RawMessage `json:"-"`
}

// CVSS is a Common Vulnerability Scoring System score.
type CVSS struct {
	Version string  `json:"version"` // "3.1", "4.0"
	Vector  string  `json:"vector,omitempty"`
	Score   float64 `json:"score"`
}

// NewEvent starts an event reported by reporter in organisation org, in
// phase detect and report, state detection, detected and reported now.
func (f *Factory) NewEvent(ctx context.Context, org, title string, reporter ActorID) (*Event, error) {
	h, err := f.header(ctx, org, KindEvent)
	if err != nil {
		return nil, err
	}
	ev := &Event{Header: h, Handling: Handling{Title: title, Phase: PhaseDetectReport, State: StateDetection, Reporter: reporter}}
	ev.Timeline.Detected = At(h.CreatedAt)
	ev.Timeline.Reported = At(h.CreatedAt)
	return ev, nil
}

// Escalate creates the incident an event is assessed to be, in phase
// assess and decide, state triage, with outcome incident. It copies the
// event's classification, marking and timeline anchors, links both ways
// (the event's IncidentID is set) and declares the incident now. An event
// that was escalated already is refused with ErrInconsistent.
func (f *Factory) Escalate(ctx context.Context, ev *Event) (*Incident, error) {
	if ev.IncidentID != uuid.Nil {
		return nil, &FieldError{Path: "incident_id", Value: ev.IncidentID.String(), Rule: RuleMerge,
			Reason: "the event was escalated already; add it to that incident's event_ids instead", Err: ErrInconsistent}
	}
	h, err := f.header(ctx, ev.Org, KindIncident)
	if err != nil {
		return nil, err
	}
	h.OrgUnit = ev.OrgUnit
	inc := &Incident{Header: h, EventIDs: []uuid.UUID{ev.ID}, Timeline: ev.Timeline}
	inc.Handling = Handling{
		Title: ev.Title, Description: ev.Description,
		Phase: PhaseAssessDecide, State: StateTriage, Outcome: OutcomeIncident,
		Severity: ev.Severity, Priority: ev.Priority, Category: ev.Category,
		Categories: append([]Category(nil), ev.Categories...),
		Reporter:   ev.Reporter, Contacts: append([]Contact(nil), ev.Contacts...),
		Labels: append([]string(nil), ev.Labels...), TLP: ev.TLP, Restricted: ev.Restricted,
	}
	inc.Timeline.Reopened = nil
	inc.Timeline.Closed = Timestamp{}
	if inc.Timeline.Declared.IsZero() {
		inc.Timeline.Declared = At(h.CreatedAt)
	}
	ev.IncidentID = inc.ID
	ev.Outcome = OutcomeIncident
	return inc, nil
}

// NewVulnerability starts a vulnerability report in phase detect and
// report, state reporting.
func (f *Factory) NewVulnerability(ctx context.Context, org, title string, reporter ActorID) (*Vulnerability, error) {
	h, err := f.header(ctx, org, KindVulnerability)
	if err != nil {
		return nil, err
	}
	v := &Vulnerability{Header: h, Handling: Handling{Title: title, Phase: PhaseDetectReport, State: StateReporting, Reporter: reporter}}
	v.Timeline.Reported = At(h.CreatedAt)
	return v, nil
}

// Record is what *Event, *Incident and *Vulnerability have in common, so
// stores, the lifecycle engine and metrics handle the three kinds with one
// set of methods. Only this package's three types implement it.
type Record interface {
	// Kind says which of the three the record is.
	Kind() Kind
	// Head returns the record's identity, for the store to read and set
	// (Version, UpdatedAt).
	Head() *Header
	// Handle returns where the record stands: phase, state, outcome,
	// classification, people, marking.
	Handle() *Handling
	// Times returns the record's timeline.
	Times() *Timeline
	// Validate checks the record with the default vocabulary.
	Validate() error
	// ValidateWith checks the record with the host's vocabulary.
	ValidateWith(*Vocabulary) error
	json.Marshaler
	json.Unmarshaler
	record()
}

// Kind implements Record.
func (*Event) Kind() Kind { return KindEvent }

// Head implements Record.
func (ev *Event) Head() *Header { return &ev.Header }

// Handle implements Record.
func (ev *Event) Handle() *Handling { return &ev.Handling }

// Times implements Record.
func (ev *Event) Times() *Timeline { return &ev.Timeline }

func (*Event) record() {}

// Kind implements Record.
func (*Incident) Kind() Kind { return KindIncident }

// Head implements Record.
func (inc *Incident) Head() *Header { return &inc.Header }

// Handle implements Record.
func (inc *Incident) Handle() *Handling { return &inc.Handling }

// Times implements Record.
func (inc *Incident) Times() *Timeline { return &inc.Timeline }

func (*Incident) record() {}

// Kind implements Record.
func (*Vulnerability) Kind() Kind { return KindVulnerability }

// Head implements Record.
func (vu *Vulnerability) Head() *Header { return &vu.Header }

// Handle implements Record.
func (vu *Vulnerability) Handle() *Handling { return &vu.Handling }

// Times implements Record.
func (vu *Vulnerability) Times() *Timeline { return &vu.Timeline }

func (*Vulnerability) record() {}

// NewRecord returns an empty record of kind k, for decoders and stores
// that learn the kind before the content; nil for an unknown kind.
func NewRecord(k Kind) Record {
	switch k {
	case KindEvent:
		return new(Event)
	case KindIncident:
		return new(Incident)
	case KindVulnerability:
		return new(Vulnerability)
	}
	return nil
}
