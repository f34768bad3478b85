package coordination

import (
	"context"
	"fmt"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
)

// RegimeCoordination is the Regime of the obligations Deadlines gives:
// answers a coordinated case owes, not reports a law requires.
const RegimeCoordination = "coordination"

// Obligations returns what org owes in the case as incident obligations,
// so the engine's report timers (due soon, overdue) watch the respond-by
// deadlines of the exchange log as they watch regulatory clocks: one per
// message addressed to org with a deadline, submitted when org answered,
// waived (with the reason) when the case withdrew it because org left or
// the case closed.
// IDs are "coordination/<case>/<message>".
func (c *Case) Obligations(org OrgID) []incident.Obligation {
	var out []incident.Obligation
	if c.Participant(org) == nil {
		return nil
	}
	for _, m := range c.Log {
		for _, r := range m.To {
			if r.Org != org || r.RespondBy.IsZero() {
				continue
			}
			start := m.At
			if r.RespondBy.Before(start) {
				start = r.RespondBy
			}
			o := incident.Obligation{
				ID: fmt.Sprintf("coordination/%s/%s", c.ID, m.ID), Regime: RegimeCoordination, Report: string(m.Kind),
				Authority: string(m.FromOrg), StartEvent: "message_received", StartAt: start.UTC(), Due: r.RespondBy.UTC(),
				// The deadline is agreed between the parties, not set by
				// a law: the coordination agreement of 27035-4 is its basis.
				Article:     "ISO/IEC 27035-4:2024 coordination agreement",
				SubmittedAt: r.RespondedAt,
			}
			if !r.Withdrawn.IsZero() && r.RespondedAt.IsZero() {
				o.Waived = r.WithdrawnReason
			}
			out = append(out, o)
		}
	}
	return out
}

// Sync brings org's incident, key in eng, up to date with the case: it
// asks the engine for the obligations again (lifecycle.RefreshObligations,
// so new requests arm timers), then records as submitted the answers the
// case logged (lifecycle.SubmitReport) and waives the deadlines the case
// withdrew (lifecycle.WaiveReport), since the engine keeps the submission
// state of an obligation it already knows. Each step is one audited
// change by actor; it returns the record as last stored.
func Sync(ctx context.Context, eng *lifecycle.Engine, actor lifecycle.Actor, key lifecycle.Key, c *Case, org OrgID) (incident.Record, error) {
	if eng == nil || c == nil {
		return nil, fmt.Errorf("%w: Sync needs an engine and a case", ErrInvalid)
	}
	rec, err := eng.Apply(ctx, actor, key, lifecycle.RefreshObligations{Reason: fmt.Sprintf("deadlines of case %s", c.ID)})
	if err != nil {
		return nil, err
	}
	inc, ok := rec.(*incident.Incident)
	if !ok {
		return nil, fmt.Errorf("%w: %s is not an incident", ErrInvalid, key.ID)
	}
	open := map[string]bool{}
	for _, o := range inc.Obligations {
		open[o.ID] = o.SubmittedAt.IsZero() && o.Waived == ""
	}
	for _, o := range c.Obligations(org) {
		if !open[o.ID] {
			continue
		}
		var ch lifecycle.Change
		switch {
		case !o.SubmittedAt.IsZero():
			ch = lifecycle.SubmitReport{ObligationID: o.ID, At: o.SubmittedAt}
		case o.Waived != "":
			ch = lifecycle.WaiveReport{ObligationID: o.ID, Reason: o.Waived}
		default:
			continue
		}
		if rec, err = eng.Apply(ctx, actor, key, ch); err != nil {
			return nil, err
		}
	}
	return rec, nil
}

// Deadlines is the lifecycle.ObligationSource of coordination: for an
// incident of Org, the respond-by deadlines of every case in Store whose
// Org participant names the incident as its local record (LocalID). Join
// it with the regulatory clocks through lifecycle.ObligationSources, and
// call Sync (or apply lifecycle.RefreshObligations) when a request
// arrives or is answered, since the engine asks its sources only when the
// record changes.
type Deadlines struct {
	Store Store
	Org   OrgID
}

// ObligationsFor returns the deadlines owed on inc.
func (d Deadlines) ObligationsFor(ctx context.Context, inc *incident.Incident) ([]incident.Obligation, error) {
	if inc == nil {
		return nil, nil
	}
	cases, err := d.Store.CasesOf(ctx, d.Org, inc.ID)
	if err != nil {
		return nil, err
	}
	var out []incident.Obligation
	for _, c := range cases {
		out = append(out, c.Value.Obligations(d.Org)...)
	}
	return out, nil
}

// Link records that org's local incident for the case is rec (a record
// of this engine), by its ID and human reference.
func (c *Case) Link(org OrgID, rec incident.Record) error {
	pt := c.Participant(org)
	if pt == nil {
		return fmt.Errorf("%w: %s in case %s", ErrNotParticipant, org, c.ID)
	}
	if rec == nil {
		return fmt.Errorf("%w: no record to link", ErrInvalid)
	}
	h := rec.Head()
	pt.LocalID, pt.LocalRef = h.ID, string(h.Ref)
	return nil
}
