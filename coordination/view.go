package coordination

import (
	"fmt"
	"slices"
)

// View returns the case as person sees it: only the items person holds
// and is entitled to under their labels (Entitled), the exchange log
// entries to or from person's organisation (with items they may not see
// left out), person's own holdings and refusals, and the other
// participants without their local references unless person acts for
// the coordinator, who see where others stand but not who moved them nor
// their notes. An item's audience and permissions are shown in full to
// its source only, and only the parts the viewer may see are named; a
// refused share is shown to the person who tried it. A participant that
// left gets no view. Messages carry no label of their own: a view shows a
// message only to its sender's and its addressees' organisations, so put
// what needs a label in an item. Every participant's view and export goes
// through View; a person of an organisation not in the case gets
// ErrNotParticipant.
func (c *Case) View(dir *Directory, viewer PersonID) (*Case, error) {
	if c == nil || dir == nil {
		return nil, fmt.Errorf("%w: View needs a case and a directory", ErrInvalid)
	}
	p, err := person(dir, viewer)
	if err != nil {
		return nil, err
	}
	if pt := c.Participant(p.Org); pt == nil || pt.Status == StatusLeft {
		return nil, fmt.Errorf("%w: %s (%s) in case %s", ErrNotParticipant, viewer, p.Org, c.ID)
	}
	coordinator := p.Org == c.Coordinator
	v := &Case{ID: c.ID, Title: c.Title, Self: p.Org, Coordinator: c.Coordinator, Community: c.Community,
		Status: c.Status, Opened: c.Opened, Closed: c.Closed, CloseReason: c.CloseReason}
	for _, pt := range c.Participants {
		pt.History = slices.Clone(pt.History)
		pt.People = slices.Clone(pt.People)
		if !coordinator && pt.Org != p.Org {
			// Others see where a participant stands and when, not who
			// moved it nor its notes, nor its local references.
			pt.LocalRef, pt.LocalID, pt.People = "", [16]byte{}, nil
			for i := range pt.History {
				pt.History[i].By, pt.History[i].Note = "", ""
			}
		}
		v.Participants = append(v.Participants, pt)
	}
	held := map[ItemID]bool{}
	for _, h := range c.Holdings {
		if h.Person == viewer {
			held[h.Item] = true
		}
	}
	visible := make(map[ItemID]bool, len(held))
	v.Items = make([]Item, 0, len(held))
	for i := range c.Items {
		it := &c.Items[i]
		if !held[it.ID] {
			continue
		}
		parts, err := c.parts(it)
		if err != nil {
			continue
		}
		if !Entitled(dir, it, parts, c.Community, viewer).Allowed {
			continue
		}
		visible[it.ID] = true
		v.Items = append(v.Items, cloneItem(it))
	}
	for i := range v.Items {
		it := &v.Items[i]
		// Who else received an item, and whom the source let widen it,
		// are the source's to know: a recipient sees its own
		// organisation's people among the first recipients, nothing of
		// the permissions, and only the parts it may see itself.
		it.Parts = slices.DeleteFunc(it.Parts, func(id ItemID) bool { return !visible[id] })
		if it.Source == p.Org {
			continue
		}
		it.Permissions = nil
		it.Audience = slices.DeleteFunc(it.Audience, func(id PersonID) bool {
			q, ok := dir.Person(id)
			return !ok || q.Org != p.Org
		})
	}
	for _, h := range c.Holdings {
		if h.Person == viewer && visible[h.Item] {
			v.Holdings = append(v.Holdings, h)
		}
	}
	v.Holdings = slices.Clip(v.Holdings)
	for _, m := range c.Log {
		mine := m.FromOrg == p.Org || slices.ContainsFunc(m.To, func(r Recipient) bool { return r.Org == p.Org })
		if !mine || (m.Kind == MessageRefused && m.From != viewer) {
			continue
		}
		m.Items = slices.DeleteFunc(slices.Clone(m.Items), func(id ItemID) bool { return !visible[id] })
		if m.Kind == MessageShare && len(m.Items) == 0 {
			continue
		}
		if !coordinator {
			m.To = slices.DeleteFunc(slices.Clone(m.To), func(r Recipient) bool { return r.Org != p.Org && m.FromOrg != p.Org })
		} else {
			m.To = slices.Clone(m.To)
		}
		m.Direction = Received
		if m.FromOrg == p.Org {
			m.Direction = Sent
		}
		v.Log = append(v.Log, m)
	}
	for _, a := range c.Assignments {
		if coordinator || a.Org == p.Org {
			v.Assignments = append(v.Assignments, a)
		}
	}
	if s := c.Statement; s != nil && (coordinator || slices.Contains(s.Required, p.Org) || !s.Final.IsZero()) {
		cp := *s
		cp.Required, cp.Agreements = slices.Clone(s.Required), slices.Clone(s.Agreements)
		v.Statement = &cp
	}
	return v, nil
}

// cloneItem copies an item deeply enough that a view shares no slices
// with the case.
func cloneItem(it *Item) Item {
	out := *it
	out.Audience = slices.Clone(it.Audience)
	out.Permissions = slices.Clone(it.Permissions)
	out.Parts = slices.Clone(it.Parts)
	out.Origin = slices.Clone(it.Origin)
	if it.Indicator != nil {
		ind := *it.Indicator
		ind.Types = slices.Clone(ind.Types)
		out.Indicator = &ind
	}
	if it.Observed != nil {
		o := *it.Observed
		o.Objects = slices.Clone(o.Objects)
		out.Observed = &o
	}
	return out
}
