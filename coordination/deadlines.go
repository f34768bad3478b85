package coordination

import (
	"context"
	"fmt"

	"github.com/iso27035/iso27035/incident"
)

// RegimeCoordination is the Regime of the obligations Deadlines gives:
// answers a coordinated case owes, not reports a law requires.
const RegimeCoordination = "coordination"

// Obligations returns what org owes in the case as incident obligations,
// so the engine's report timers (due soon, overdue) watch the respond-by
// deadlines of the exchange log as they watch regulatory clocks: one per
// message addressed to org with a deadline, submitted when org answered.
// IDs are "coordination/<case>/<message>".
func (c *Case) Obligations(org OrgID) []incident.Obligation {
	var out []incident.Obligation
	if pt := c.Participant(org); pt == nil || pt.Status == StatusLeft {
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
			out = append(out, incident.Obligation{
				ID: fmt.Sprintf("coordination/%s/%s", c.ID, m.ID), Regime: RegimeCoordination, Report: string(m.Kind),
				Authority: string(m.FromOrg), StartEvent: "message_received", StartAt: start.UTC(), Due: r.RespondBy.UTC(),
				// The deadline is agreed between the parties, not set by
				// a law: the coordination agreement of 27035-4 is its basis.
				Article:     "ISO/IEC 27035-4:2024 coordination agreement",
				SubmittedAt: r.RespondedAt,
			})
		}
	}
	return out
}

// Deadlines is the lifecycle.ObligationSource of coordination: for an
// incident of Org, the respond-by deadlines of every case in Store whose
// Org participant names the incident as its local record (LocalID). Join
// it with the regulatory clocks through lifecycle.ObligationSources, and
// apply lifecycle.RefreshObligations to the incident when a request
// arrives, since the engine asks its sources only when the record
// changes.
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
