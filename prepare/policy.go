package prepare

import (
	"fmt"
	"time"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
)

// Revision is one entry of a document's change history.
type Revision struct {
	Version int              `json:"version"`
	At      time.Time        `json:"at"`
	By      incident.ActorID `json:"by"`
	Summary string           `json:"summary"`
}

// Approval records top management's approval of the policy (27035-2
// clause 4: commitment of top management).
type Approval struct {
	By   incident.ActorID `json:"by"`
	Role string           `json:"role,omitempty"`
	At   time.Time        `json:"at"`
}

// Responsibility is what a role is responsible for under the policy.
type Responsibility struct {
	Role             incident.Role `json:"role"`
	Responsibilities []string      `json:"responsibilities"`
}

// Policy is the information security incident management policy of
// 27035-2:2023 clause 4 (not lifecycle.Rules, the engine's guards).
type Policy struct {
	Version    int              `json:"version"`
	Scope      string           `json:"scope"`
	Objectives []string         `json:"objectives,omitempty"`
	Roles      []Responsibility `json:"roles,omitempty"`
	// Approval is nil until top management approves the version.
	Approval *Approval `json:"approval,omitempty"`
	// ReviewBy is the date by which the policy must be reviewed.
	ReviewBy time.Time  `json:"review_by,omitzero"`
	History  []Revision `json:"history,omitempty"`
}

// CommunicationRule says who is told about incidents of some severities,
// and how soon (27035-2 clause 6.4, plan content).
type CommunicationRule struct {
	Severities []incident.Severity `json:"severities,omitempty"`
	// Audience names a contact or group ("legal", "board").
	Audience string             `json:"audience"`
	Within   lifecycle.Duration `json:"within,omitempty"`
}

// Plan is the information security incident management plan of
// 27035-2:2023 clause 6.
type Plan struct {
	Version int `json:"version"`
	// SeverityScale names the scale in use (6.5, incident classification
	// scale), e.g. "default".
	SeverityScale string              `json:"severity_scale"`
	Categories    []incident.Category `json:"categories,omitempty"`
	// TriageProfile and ObligationProfiles name the triage profiles of
	// package triage in force.
	TriageProfile      string              `json:"triage_profile,omitempty"`
	ObligationProfiles []string            `json:"obligation_profiles,omitempty"`
	Escalation         []PagingRule        `json:"escalation,omitempty"`
	Communication      []CommunicationRule `json:"communication,omitempty"`
	// ReviewPeriod is how often the plan is reviewed; ReviewedAt when it
	// last was.
	ReviewPeriod lifecycle.Duration `json:"review_period"`
	ReviewedAt   time.Time          `json:"reviewed_at,omitzero"`
	// ReviewSignOff names the roles that must sign off a post-incident
	// review (27035-2 clause 12) before it is complete; package lessons
	// takes them from here (lessons.Review.RequireSignOff). Empty means
	// the plan names none.
	ReviewSignOff []incident.Role `json:"review_sign_off,omitempty"`
	History       []Revision      `json:"history,omitempty"`
}

// Validate checks the plan: every role of ReviewSignOff is a defined
// incident-management role, named once. It returns a *ParseError whose
// problems name each bad value by its JSON path in the plan
// ("review_sign_off[1]"); it wraps ErrInvalid.
func (pl *Plan) Validate() error {
	if pl == nil {
		return &ParseError{Problems: []Problem{{Reason: "no plan"}}}
	}
	if ps := pl.problems(""); len(ps) > 0 {
		return &ParseError{Problems: ps}
	}
	return nil
}

// problems returns what is wrong with the plan, each field path prefixed
// by prefix ("plan." inside a preparation).
func (pl *Plan) problems(prefix string) []Problem {
	var out []Problem
	seen := map[incident.Role]bool{}
	for i, r := range pl.ReviewSignOff {
		field := fmt.Sprintf("%sreview_sign_off[%d]", prefix, i)
		switch {
		case r == "":
			out = append(out, Problem{Field: field, Value: string(r), Reason: "a sign-off role must not be empty"})
		case !r.Valid():
			out = append(out, Problem{Field: field, Value: string(r), Reason: fmt.Sprintf("%q is not an incident-management role", r)})
		case seen[r]:
			out = append(out, Problem{Field: field, Value: string(r), Reason: fmt.Sprintf("role %q is listed twice", r)})
		}
		seen[r] = true
	}
	return out
}

// ContactKind says whether a contact is inside the organisation.
type ContactKind string

// The contact kinds of 27035-2:2023 clause 8.
const (
	ContactInternal ContactKind = "internal"
	ContactExternal ContactKind = "external"
)

// Contact is one relationship of 27035-2:2023 clause 8: legal,
// communications, HR, business continuity inside; regulators, CSIRTs, law
// enforcement, providers, insurers outside.
type Contact struct {
	Name         string      `json:"name"`
	Kind         ContactKind `json:"kind"`
	Organisation string      `json:"organisation,omitempty"`
	// Purposes say what the contact is contacted for.
	Purposes []string `json:"purposes,omitempty"`
	// Channel is how to reach them (a phone number, an address).
	Channel string `json:"channel,omitempty"`
	// VerifiedOn is when the details were last confirmed to work.
	VerifiedOn time.Time `json:"verified_on,omitzero"`
}

// Exercise is a test of the plan (27035-2:2023 clause 11.2), passed in by
// the host.
type Exercise struct {
	Name string    `json:"name"`
	At   time.Time `json:"at"`
}

// ActionItem is an open improvement action (27035-2:2023 clause 12.3),
// passed in by the host (package lessons owns them).
type ActionItem struct {
	ID    string    `json:"id"`
	Title string    `json:"title"`
	Due   time.Time `json:"due,omitzero"`
}
