package lessons

import (
	"fmt"
	"slices"
	"time"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/prepare"
)

// Decision is the decision on a finding's change proposal as recorded on
// the lessons side: the proposal's ID, kind and target, the status, who
// decided it and when, the note and the version of the changed item an
// acceptance made (the playbook's, the policy's or the plan's).
type Decision struct {
	ProposalID string                 `json:"proposal_id"`
	Kind       prepare.ProposalKind   `json:"kind"`
	Target     string                 `json:"target,omitempty"`
	Status     prepare.ProposalStatus `json:"status"`
	By         incident.ActorID       `json:"by"`
	At         time.Time              `json:"at"`
	Note       string                 `json:"note,omitempty"`
	Version    int                    `json:"version,omitempty"`
}

// String renders the decision on one line.
func (d Decision) String() string {
	s := fmt.Sprintf("%s %s %s %q by %s at %s", d.ProposalID, d.Status, d.Kind, d.Target, d.By, d.At.UTC().Format(time.RFC3339))
	if d.Version > 0 {
		s += fmt.Sprintf(" (version %d)", d.Version)
	}
	return s
}

// DecisionOf returns the decision of a decided proposal; ErrInvalid when
// p is nil or not decided yet.
func DecisionOf(p *prepare.Proposal) (Decision, error) {
	if p == nil || !p.Decided() {
		return Decision{}, fmt.Errorf("%w: no decided proposal to record", ErrInvalid)
	}
	return Decision{ProposalID: p.ID, Kind: p.Kind, Target: p.Target, Status: p.Status,
		By: p.DecidedBy, At: p.DecidedAt, Note: p.Note, Version: p.Version}, nil
}

// Record records on the finding the decision on p, which must be the
// finding's own proposal (same ID) once decided by prepare.Accept or
// prepare.Reject: the finding's Proposal takes p's value and its Decision
// is set. ErrInvalid when p is not decided, is another proposal, or the
// finding already holds a different decision.
func (f *Finding) Record(p *prepare.Proposal) error {
	d, err := DecisionOf(p)
	if err != nil {
		return err
	}
	if p.ID != f.Proposal.ID {
		return fmt.Errorf("%w: proposal %q is not the finding's proposal %q", ErrInvalid, p.ID, f.Proposal.ID)
	}
	if f.Decision != nil && *f.Decision != d {
		return fmt.Errorf("%w: finding %s %q already records %s", ErrInvalid, f.Dimension, f.Key, f.Decision)
	}
	if p != &f.Proposal {
		f.Proposal = *p
	}
	f.Decision = &d
	return nil
}

// AcceptFinding accepts the finding's proposal into prep with
// prepare.Accept (decided by by at at with a note) and records the
// acceptance on the finding (Record). When Accept fails nothing changes
// on either side: prepare.ErrDecided for a proposal already decided,
// prepare.ErrNoTarget for a target not in prep, prepare.ErrInvalid for
// a bad proposal.
func AcceptFinding(prep *prepare.Preparation, f *Finding, by incident.ActorID, at time.Time, note string) error {
	if f == nil {
		return fmt.Errorf("%w: no finding", ErrInvalid)
	}
	if err := prepare.Accept(prep, &f.Proposal, by, at, note); err != nil {
		return err
	}
	return f.Record(&f.Proposal)
}

// RejectFinding rejects the finding's proposal with prepare.Reject and
// records the rejection on the finding.
func RejectFinding(f *Finding, by incident.ActorID, at time.Time, note string) error {
	if f == nil {
		return fmt.Errorf("%w: no finding", ErrInvalid)
	}
	if err := prepare.Reject(&f.Proposal, by, at, note); err != nil {
		return err
	}
	return f.Record(&f.Proposal)
}

// RecordDecision records the decision of a finding on the review, when
// the review is one of the finding's (its ID in f.Reviews) and the
// finding holds a decision; it reports whether it recorded it. A second
// decision on the same proposal replaces the first.
func (r *Review) RecordDecision(f *Finding) bool {
	if f == nil || f.Decision == nil || !slices.Contains(f.Reviews, r.ID) {
		return false
	}
	d := *f.Decision
	r.Changes = slices.DeleteFunc(r.Changes, func(c Decision) bool { return c.ProposalID == d.ProposalID })
	r.Changes = append(r.Changes, d)
	return true
}
