package prepare

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/iso27035/iso27035/incident"
)

// ProposalKind says what a change proposal changes.
type ProposalKind string

// The kinds of change proposal (27035-2:2023 clause 12.3, making
// improvements; package lessons files them from reviews).
const (
	// ProposalPlaybookStep adds a step to a playbook or changes the step
	// with the same ID.
	ProposalPlaybookStep ProposalKind = "playbook_step"
	// ProposalPolicy changes the policy (a section's text).
	ProposalPolicy ProposalKind = "policy"
	// ProposalRule changes the plan's rules (escalation, communication).
	ProposalRule ProposalKind = "rule"
	// ProposalTraining proposes an awareness or training topic
	// (27035-2 clause 7.4); nothing in the preparation is versioned.
	ProposalTraining ProposalKind = "training"
)

// Valid reports whether k is one of the proposal kinds.
func (k ProposalKind) Valid() bool {
	switch k {
	case ProposalPlaybookStep, ProposalPolicy, ProposalRule, ProposalTraining:
		return true
	}
	return false
}

// ProposalStatus is where a proposal is in its decision.
type ProposalStatus string

// The proposal statuses; the zero status means proposed.
const (
	ProposalProposed ProposalStatus = "proposed"
	ProposalAccepted ProposalStatus = "accepted"
	ProposalRejected ProposalStatus = "rejected"
)

// The policy sections a ProposalPolicy can change.
const (
	// SectionScope replaces the policy's scope with the proposal's Text.
	SectionScope = "scope"
	// SectionObjective adds the proposal's Text as an objective.
	SectionObjective = "objective"
)

// Proposal is a proposed change to the preparation, with its reason, its
// source and, once decided, the decision.
type Proposal struct {
	// ID identifies the proposal ("CP-2026-001").
	ID   string       `json:"id"`
	Kind ProposalKind `json:"kind"`
	// Target names what changes: the playbook's name for a playbook
	// step, "policy", "plan", or a training audience.
	Target string `json:"target,omitempty"`

	// Step is the proposed step of a ProposalPlaybookStep: it replaces
	// the step with the same ID, or is added before the step Before
	// names, or at the end.
	Step   *Step  `json:"step,omitempty"`
	Before string `json:"before,omitempty"`
	// Section is the policy section a ProposalPolicy changes
	// (SectionScope, SectionObjective); empty for an amendment recorded
	// in the history only.
	Section string `json:"section,omitempty"`
	// Communication is the communication rule a ProposalRule adds to the
	// plan (replacing the rule for the same audience); nil for a change
	// recorded in the history only.
	Communication *CommunicationRule `json:"communication,omitempty"`
	// Text is the proposed text (a policy section, a rule, a training
	// topic); for a playbook step, an optional summary.
	Text string `json:"text,omitempty"`

	// Reason says why; Source where the proposal comes from (a lessons
	// learned review ID, an incident reference).
	Reason     string           `json:"reason"`
	Source     string           `json:"source,omitempty"`
	ProposedBy incident.ActorID `json:"proposed_by"`
	ProposedAt time.Time        `json:"proposed_at,omitzero"`

	// Status is the decision; DecidedBy, DecidedAt and Note record it.
	Status    ProposalStatus   `json:"status,omitempty"`
	DecidedBy incident.ActorID `json:"decided_by,omitempty"`
	DecidedAt time.Time        `json:"decided_at,omitzero"`
	Note      string           `json:"note,omitempty"`
	// Version is the version of the changed item an accepted proposal
	// made (the playbook's, the policy's or the plan's); 0 otherwise.
	Version int `json:"version,omitempty"`
}

// Decided reports whether the proposal was accepted or rejected.
func (p *Proposal) Decided() bool {
	return p.Status == ProposalAccepted || p.Status == ProposalRejected
}

// ErrDecided is wrapped by the *DecidedError of a second decision.
var ErrDecided = errors.New("prepare: proposal already decided")

// ErrNoTarget reports a proposal whose target is not in the preparation
// (an unknown playbook, no policy, no plan).
var ErrNoTarget = errors.New("prepare: proposal target not found")

// DecidedError refuses to decide a proposal again.
type DecidedError struct {
	ID     string
	Status ProposalStatus
	By     incident.ActorID
	At     time.Time
}

// Error says who decided what, and when.
func (e *DecidedError) Error() string {
	return fmt.Sprintf("prepare: proposal %q already %s by %s at %s", e.ID, e.Status, e.By, e.At.UTC().Format(time.RFC3339))
}

// Unwrap returns ErrDecided.
func (e *DecidedError) Unwrap() error { return ErrDecided }

// Validate checks the proposal: a known kind and status, a reason, who
// proposed it, and the value its kind needs (a valid step and a target
// for a playbook step, text for a policy or training proposal, text or a
// communication rule for a rule change).
func (p *Proposal) Validate() error {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: proposal %q: %s", ErrInvalid, p.ID, fmt.Sprintf(format, a...)))
	}
	if p.ID == "" {
		bad("needs an id")
	}
	if !p.Kind.Valid() {
		bad("kind %q is not a proposal kind", p.Kind)
	}
	switch p.Status {
	case "", ProposalProposed, ProposalAccepted, ProposalRejected:
	default:
		bad("status %q is not a proposal status", p.Status)
	}
	if p.Reason == "" {
		bad("needs a reason")
	}
	if p.ProposedBy == "" {
		bad("needs a proposer")
	}
	switch p.Kind {
	case ProposalPlaybookStep:
		if p.Target == "" {
			bad("needs the target playbook's name")
		}
		if p.Step == nil {
			bad("needs a step")
		}
	case ProposalPolicy:
		if p.Text == "" {
			bad("needs the proposed text")
		}
		if p.Section != "" && p.Section != SectionScope && p.Section != SectionObjective {
			bad("section %q is not %q or %q", p.Section, SectionScope, SectionObjective)
		}
	case ProposalRule:
		if p.Text == "" && p.Communication == nil {
			bad("needs the proposed text or a communication rule")
		}
		if p.Communication != nil && p.Communication.Audience == "" {
			bad("the communication rule needs an audience")
		}
	case ProposalTraining:
		if p.Text == "" {
			bad("needs the training topic")
		}
	}
	return errors.Join(errs...)
}

// decidable checks what both decisions need.
func decidable(p *Proposal, by incident.ActorID, at time.Time) error {
	if p == nil {
		return fmt.Errorf("%w: no proposal", ErrInvalid)
	}
	if p.Decided() {
		return &DecidedError{ID: p.ID, Status: p.Status, By: p.DecidedBy, At: p.DecidedAt}
	}
	if err := p.Validate(); err != nil {
		return err
	}
	if by == "" || at.IsZero() {
		return fmt.Errorf("%w: proposal %q: a decision needs who and when", ErrInvalid, p.ID)
	}
	return nil
}

// Accept accepts the proposal p into prep, decided by by at at with a
// note, and versions the changed item:
//
//   - a playbook step: a new version of the named playbook (its highest
//     version plus one) with the step replaced or added is appended to
//     the library; the old versions stay;
//   - a policy change: the section changes, the version goes up, a
//     Revision is added, and the approval is cleared: top management
//     approves each version (27035-2 clause 4);
//   - a rule change: the communication rule is set, the plan's version
//     goes up and a Revision is added;
//   - a training topic: nothing is versioned; the host acts on it.
//
// The proposal records the decision and the version made. Nothing
// changes when Accept fails: a *DecidedError (ErrDecided) for a proposal
// already decided, ErrInvalid for a bad proposal or a resulting playbook
// that does not validate, ErrNoTarget when the target is missing.
func Accept(prep *Preparation, p *Proposal, by incident.ActorID, at time.Time, note string) error {
	if err := decidable(p, by, at); err != nil {
		return err
	}
	if prep == nil {
		return fmt.Errorf("%w: proposal %q: no preparation", ErrNoTarget, p.ID)
	}
	summary := p.Text
	if summary == "" {
		summary = p.Reason
	}
	summary = fmt.Sprintf("%s (proposal %s)", summary, p.ID)
	version := 0
	switch p.Kind {
	case ProposalPlaybookStep:
		next, err := withStep(&prep.Playbooks, p)
		if err != nil {
			return err
		}
		prep.Playbooks.Playbooks = append(prep.Playbooks.Playbooks, next)
		version = next.Version
	case ProposalPolicy:
		pol := prep.Policy
		if pol == nil {
			return fmt.Errorf("%w: proposal %q: no policy", ErrNoTarget, p.ID)
		}
		switch p.Section {
		case SectionScope:
			pol.Scope = p.Text
		case SectionObjective:
			pol.Objectives = append(pol.Objectives, p.Text)
		}
		pol.Version++
		pol.Approval = nil
		pol.History = append(pol.History, Revision{Version: pol.Version, At: at, By: by, Summary: summary})
		version = pol.Version
	case ProposalRule:
		pl := prep.Plan
		if pl == nil {
			return fmt.Errorf("%w: proposal %q: no plan", ErrNoTarget, p.ID)
		}
		if c := p.Communication; c != nil {
			rule := *c
			rule.Severities = slices.Clone(c.Severities)
			if i := slices.IndexFunc(pl.Communication, func(r CommunicationRule) bool { return r.Audience == c.Audience }); i >= 0 {
				pl.Communication[i] = rule
			} else {
				pl.Communication = append(pl.Communication, rule)
			}
		}
		pl.Version++
		pl.History = append(pl.History, Revision{Version: pl.Version, At: at, By: by, Summary: summary})
		version = pl.Version
	case ProposalTraining:
	}
	p.Status, p.DecidedBy, p.DecidedAt, p.Note, p.Version = ProposalAccepted, by, at, note, version
	return nil
}

// withStep returns the next version of the playbook p targets with p's
// step in it, validated.
func withStep(lib *Library, p *Proposal) (Playbook, error) {
	i := slices.IndexFunc(lib.Current(), func(b Playbook) bool { return b.Name == p.Target })
	if i < 0 {
		return Playbook{}, fmt.Errorf("%w: proposal %q: no playbook %q", ErrNoTarget, p.ID, p.Target)
	}
	next := lib.Current()[i]
	next.Severities = slices.Clone(next.Severities)
	next.Steps = slices.Clone(next.Steps)
	next.Version++
	step := *p.Step
	step.Checklist, step.Evidence = slices.Clone(step.Checklist), slices.Clone(step.Evidence)
	same := func(s Step) bool { return s.ID == step.ID }
	switch j := slices.IndexFunc(next.Steps, same); {
	case j >= 0:
		next.Steps[j] = step
	case p.Before != "":
		k := slices.IndexFunc(next.Steps, func(s Step) bool { return s.ID == p.Before })
		if k < 0 {
			return Playbook{}, fmt.Errorf("%w: proposal %q: playbook %q has no step %q to insert before", ErrInvalid, p.ID, p.Target, p.Before)
		}
		next.Steps = slices.Insert(next.Steps, k, step)
	default:
		next.Steps = append(next.Steps, step)
	}
	if err := next.Validate(); err != nil {
		return Playbook{}, fmt.Errorf("proposal %q: %w", p.ID, err)
	}
	return next, nil
}

// Reject rejects the proposal p, decided by by at at with a note (the
// reason for rejecting it). Nothing in the preparation changes. A
// *DecidedError (ErrDecided) for a proposal already decided; ErrInvalid
// for a bad proposal or a decision without who or when.
func Reject(p *Proposal, by incident.ActorID, at time.Time, note string) error {
	if err := decidable(p, by, at); err != nil {
		return err
	}
	p.Status, p.DecidedBy, p.DecidedAt, p.Note, p.Version = ProposalRejected, by, at, note, 0
	return nil
}
