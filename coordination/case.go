package coordination

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The operations on a Case are pure: each takes the directory, the person
// acting and the time, checks who may do it, changes the case value and
// records what it did in the exchange log. Persisting the case is the
// Store's job (Store.Update); a refused share changes the case too (its
// refusal is logged) and returns the *RefusedError, so save the case even
// then.

// NewCase opens a case coordinated by the organisation of by, who becomes
// the coordinator's point of contact. self is the organisation whose copy
// of the case this is: it decides which log entries were sent and which
// received. community is the default reach of TLP:GREEN items.
func NewCase(dir *Directory, id CaseID, title string, self OrgID, community CommunityID, by PersonID, at time.Time) (*Case, error) {
	if dir == nil || id == "" || strings.TrimSpace(title) == "" {
		return nil, fmt.Errorf("%w: a case needs a directory, an ID and a title", ErrInvalid)
	}
	p, err := person(dir, by)
	if err != nil {
		return nil, err
	}
	if _, ok := dir.Organisation(self); !ok {
		return nil, fmt.Errorf("%w: organisation %q", ErrUnknown, self)
	}
	if community != "" {
		if _, ok := dir.Community(community); !ok {
			return nil, fmt.Errorf("%w: community %q", ErrUnknown, community)
		}
	}
	at = at.UTC()
	c := &Case{ID: id, Title: title, Self: self, Coordinator: p.Org, Community: community, Status: CaseOpen, Opened: at}
	c.Participants = []Participant{{
		Org: p.Org, Role: RoleCoordinator, People: []PersonID{by}, Contact: by, Status: StatusInvestigating,
		History: []StatusChange{{Status: StatusInvestigating, By: by, At: at, Note: "opened the case"}},
	}}
	return c, nil
}

// Participant returns the participant org, or nil.
func (c *Case) Participant(org OrgID) *Participant {
	for i := range c.Participants {
		if c.Participants[i].Org == org {
			return &c.Participants[i]
		}
	}
	return nil
}

// Item returns item id, or nil.
func (c *Case) Item(id ItemID) *Item {
	for i := range c.Items {
		if c.Items[i].ID == id {
			return &c.Items[i]
		}
	}
	return nil
}

// Message returns the log entry id, or nil.
func (c *Case) Message(id string) *Message {
	for i := range c.Log {
		if c.Log[i].ID == id {
			return &c.Log[i]
		}
	}
	return nil
}

// Holds reports whether person holds item.
func (c *Case) Holds(person PersonID, item ItemID) bool {
	return slices.ContainsFunc(c.Holdings, func(h Holding) bool { return h.Item == item && h.Person == person })
}

// person looks a person up in the directory.
func person(dir *Directory, id PersonID) (Person, error) {
	p, ok := dir.Person(id)
	if !ok {
		return Person{}, fmt.Errorf("%w: person %q", ErrUnknown, id)
	}
	return p, nil
}

// actor checks that by is a person of an active participant and returns
// the person and the participant.
func (c *Case) actor(dir *Directory, by PersonID) (Person, *Participant, error) {
	if dir == nil {
		return Person{}, nil, fmt.Errorf("%w: no directory", ErrInvalid)
	}
	p, err := person(dir, by)
	if err != nil {
		return Person{}, nil, err
	}
	pt := c.Participant(p.Org)
	if pt == nil || pt.Status == StatusLeft {
		return Person{}, nil, fmt.Errorf("%w: %s (%s) in case %s", ErrNotParticipant, by, p.Org, c.ID)
	}
	return p, pt, nil
}

// joined is actor for operations only a participant that has joined (not
// merely been invited) may do.
func (c *Case) joined(dir *Directory, by PersonID) (Person, error) {
	p, pt, err := c.actor(dir, by)
	if err != nil {
		return Person{}, err
	}
	if pt.Status == StatusInvited {
		return Person{}, fmt.Errorf("%w: %s has not acknowledged its invitation to case %s", ErrNotParticipant, p.Org, c.ID)
	}
	return p, nil
}

// open fails with ErrClosed on a closed case.
func (c *Case) open() error {
	if c.Status == CaseClosed {
		return fmt.Errorf("%w: case %s", ErrClosed, c.ID)
	}
	return nil
}

// coordinating checks that by acts for the coordinator.
func (c *Case) coordinating(dir *Directory, by PersonID) (Person, error) {
	if err := c.open(); err != nil {
		return Person{}, err
	}
	p, _, err := c.actor(dir, by)
	if err != nil {
		return Person{}, err
	}
	if p.Org != c.Coordinator {
		return Person{}, fmt.Errorf("%w: %s acts for %s, the coordinator is %s", ErrNotCoordinator, by, p.Org, c.Coordinator)
	}
	return p, nil
}

// log appends m to the exchange log with the next ID and its direction.
func (c *Case) log(m Message) *Message {
	m.ID = fmt.Sprintf("M%04d", len(c.Log)+1)
	m.Direction = Received
	if m.FromOrg == c.Self {
		m.Direction = Sent
	}
	m.At = m.At.UTC()
	c.Log = append(c.Log, m)
	return &c.Log[len(c.Log)-1]
}

// Invite adds org to the case in role, addressed to its point of contact,
// who is asked to acknowledge by respondBy (zero: no deadline). Only the
// coordinator invites; localRef is the invitee's own incident reference
// when known.
func (c *Case) Invite(dir *Directory, by PersonID, org OrgID, role Role, contact PersonID, respondBy, at time.Time) (*Message, error) {
	p, err := c.coordinating(dir, by)
	if err != nil {
		return nil, err
	}
	if !validRole(role) || role == RoleCoordinator {
		return nil, fmt.Errorf("%w: role %q cannot be invited", ErrInvalid, role)
	}
	cp, err := person(dir, contact)
	if err != nil {
		return nil, err
	}
	if cp.Org != org {
		return nil, fmt.Errorf("%w: contact %s belongs to %s, not %s", ErrInvalid, contact, cp.Org, org)
	}
	if pt := c.Participant(org); pt != nil && pt.Status != StatusLeft {
		return nil, fmt.Errorf("%w: %s already takes part in case %s", ErrInvalid, org, c.ID)
	}
	at = at.UTC()
	np := Participant{Org: org, Role: role, People: []PersonID{contact}, Contact: contact, Status: StatusInvited,
		History: []StatusChange{{Status: StatusInvited, By: by, At: at}}}
	if pt := c.Participant(org); pt != nil { // rejoining after leaving
		np.History = append(pt.History, np.History...)
		np.LocalRef, np.LocalID = pt.LocalRef, pt.LocalID
		*pt = np
	} else {
		c.Participants = append(c.Participants, np)
	}
	return c.log(Message{Kind: MessageInvite, From: by, FromOrg: p.Org, At: at, Text: c.Title,
		To: []Recipient{{Org: org, Person: contact, RespondBy: respondBy.UTC()}}}), nil
}

// Acknowledge records that by received message id: the acknowledgement of
// an invitation is the organisation joining the case (acknowledged).
func (c *Case) Acknowledge(dir *Directory, by PersonID, id string, at time.Time) error {
	if err := c.open(); err != nil {
		return err
	}
	p, err := person(dir, by)
	if err != nil {
		return err
	}
	m := c.Message(id)
	if m == nil {
		return fmt.Errorf("%w: message %q in case %s", ErrUnknown, id, c.ID)
	}
	i := slices.IndexFunc(m.To, func(r Recipient) bool { return r.Org == p.Org })
	if i < 0 {
		return fmt.Errorf("%w: message %s was not addressed to %s", ErrInvalid, id, p.Org)
	}
	at = at.UTC()
	r := &m.To[i]
	if r.AckedAt.IsZero() {
		r.AckedAt, r.AckedBy = at, by
	}
	if m.Kind == MessageInvite {
		if pt := c.Participant(p.Org); pt != nil && pt.Status == StatusInvited {
			c.join(pt, by, StatusAcknowledged, "joined", at)
		}
	}
	return nil
}

// join moves an invited participant to status, answering its pending
// invitations.
func (c *Case) join(pt *Participant, by PersonID, status ParticipantStatus, note string, at time.Time) {
	for i := range c.Log {
		m := &c.Log[i]
		if m.Kind != MessageInvite {
			continue
		}
		for j := range m.To {
			r := &m.To[j]
			if r.Org == pt.Org && r.RespondedAt.IsZero() && r.Withdrawn.IsZero() {
				r.RespondedAt = at
				if r.AckedAt.IsZero() {
					r.AckedAt, r.AckedBy = at, by
				}
			}
		}
	}
	pt.Status = status
	pt.History = append(pt.History, StatusChange{Status: status, By: by, At: at, Note: note})
	if !slices.Contains(pt.People, by) {
		pt.People = append(pt.People, by)
	}
}

// statusOrder ranks the statuses a participant moves through.
var statusOrder = map[ParticipantStatus]int{StatusInvited: 0, StatusAcknowledged: 1, StatusInvestigating: 2, StatusContained: 3, StatusClosed: 4}

// SetStatus records by's organisation moving to status (acknowledged,
// investigating, contained or closed; forward only, or back to
// investigating from contained or closed when the incident flares up
// again) with its local reference when given.
func (c *Case) SetStatus(dir *Directory, by PersonID, status ParticipantStatus, localRef, note string, at time.Time) error {
	if err := c.open(); err != nil {
		return err
	}
	_, pt, err := c.actor(dir, by)
	if err != nil {
		return err
	}
	to, ok := statusOrder[status]
	if !ok || status == StatusInvited {
		return fmt.Errorf("%w: %q is not a status a participant sets", ErrInvalid, status)
	}
	from := statusOrder[pt.Status]
	if to < from && status != StatusInvestigating {
		return fmt.Errorf("%w: %s cannot go from %s back to %s", ErrInvalid, pt.Org, pt.Status, status)
	}
	if localRef != "" {
		pt.LocalRef = localRef
	}
	if pt.Status == StatusInvited {
		// Working on the case answers the invitation.
		c.join(pt, by, status, note, at.UTC())
		return nil
	}
	if !slices.Contains(pt.People, by) {
		pt.People = append(pt.People, by)
	}
	pt.Status = status
	pt.History = append(pt.History, StatusChange{Status: status, By: by, At: at.UTC(), Note: note})
	return nil
}

// AddPerson names another person of by's organisation in the case.
func (c *Case) AddPerson(dir *Directory, by, other PersonID) error {
	p, pt, err := c.actor(dir, by)
	if err != nil {
		return err
	}
	o, err := person(dir, other)
	if err != nil {
		return err
	}
	if o.Org != p.Org {
		return fmt.Errorf("%w: %s belongs to %s, not %s", ErrInvalid, other, o.Org, p.Org)
	}
	if !slices.Contains(pt.People, other) {
		pt.People = append(pt.People, other)
	}
	return nil
}

// Leave records by's organisation leaving the case with its reason. The
// coordinator cannot leave an open case.
func (c *Case) Leave(dir *Directory, by PersonID, reason string, at time.Time) error {
	if err := c.open(); err != nil {
		return err
	}
	p, pt, err := c.actor(dir, by)
	if err != nil {
		return err
	}
	if p.Org == c.Coordinator {
		return fmt.Errorf("%w: the coordinator cannot leave an open case", ErrInvalid)
	}
	if strings.TrimSpace(reason) == "" {
		return fmt.Errorf("%w: leaving needs a reason", ErrInvalid)
	}
	at = at.UTC()
	pt.Status = StatusLeft
	pt.History = append(pt.History, StatusChange{Status: StatusLeft, By: by, At: at, Note: reason})
	c.withdraw(func(r *Recipient) bool { return r.Org == p.Org }, fmt.Sprintf("%s left case %s", p.Org, c.ID), at)
	return nil
}

// withdraw marks the answers still owed by the addressees match selects
// as no longer owed.
func (c *Case) withdraw(match func(*Recipient) bool, reason string, at time.Time) {
	for i := range c.Log {
		for j := range c.Log[i].To {
			r := &c.Log[i].To[j]
			if !r.RespondBy.IsZero() && r.RespondedAt.IsZero() && r.Withdrawn.IsZero() && match(r) {
				r.Withdrawn, r.WithdrawnReason = at, reason
			}
		}
	}
}

// Assign gives org a task due at due, sent as an assignment message whose
// respond-by is the due time. Only the coordinator assigns.
func (c *Case) Assign(dir *Directory, by PersonID, org OrgID, task string, due, at time.Time) (*Assignment, error) {
	p, err := c.coordinating(dir, by)
	if err != nil {
		return nil, err
	}
	pt := c.Participant(org)
	if pt == nil || pt.Status == StatusLeft {
		return nil, fmt.Errorf("%w: %s in case %s", ErrNotParticipant, org, c.ID)
	}
	if strings.TrimSpace(task) == "" {
		return nil, fmt.Errorf("%w: an assignment needs a task", ErrInvalid)
	}
	at = at.UTC()
	m := c.log(Message{Kind: MessageAssignment, From: by, FromOrg: p.Org, Text: task, At: at,
		To: []Recipient{{Org: org, Person: pt.Contact, RespondBy: due.UTC()}}})
	c.Assignments = append(c.Assignments, Assignment{ID: m.ID, Org: org, Task: task, Due: due.UTC(), By: by, At: at})
	return &c.Assignments[len(c.Assignments)-1], nil
}

// CompleteAssignment records that by's organisation did assignment id.
func (c *Case) CompleteAssignment(dir *Directory, by PersonID, id, note string, at time.Time) error {
	if err := c.open(); err != nil {
		return err
	}
	p, _, err := c.actor(dir, by)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(c.Assignments, func(a Assignment) bool { return a.ID == id })
	if i < 0 {
		return fmt.Errorf("%w: assignment %q", ErrUnknown, id)
	}
	a := &c.Assignments[i]
	if a.Org != p.Org {
		return fmt.Errorf("%w: assignment %s is %s's", ErrInvalid, id, a.Org)
	}
	at = at.UTC()
	a.Done, a.Note = at, note
	if m := c.Message(id); m != nil {
		for j := range m.To {
			if m.To[j].Org == p.Org && m.To[j].RespondedAt.IsZero() {
				m.To[j].RespondedAt = at
			}
		}
	}
	return nil
}

// Request asks the organisations to something by respondBy, as a message
// of by's organisation; Respond answers it.
func (c *Case) Request(dir *Directory, by PersonID, to []OrgID, text string, respondBy, at time.Time) (*Message, error) {
	if err := c.open(); err != nil {
		return nil, err
	}
	p, err := c.joined(dir, by)
	if err != nil {
		return nil, err
	}
	if len(to) == 0 || strings.TrimSpace(text) == "" {
		return nil, fmt.Errorf("%w: a request needs addressees and a text", ErrInvalid)
	}
	rs := make([]Recipient, 0, len(to))
	for i, o := range to {
		if slices.Contains(to[:i], o) {
			continue
		}
		pt := c.Participant(o)
		if pt == nil || pt.Status == StatusLeft {
			return nil, fmt.Errorf("%w: %s in case %s", ErrNotParticipant, o, c.ID)
		}
		rs = append(rs, Recipient{Org: o, Person: pt.Contact, RespondBy: respondBy.UTC()})
	}
	return c.log(Message{Kind: MessageRequest, From: by, FromOrg: p.Org, To: rs, Text: text, At: at}), nil
}

// Respond answers message id on behalf of by's organisation: the answer
// is logged and the request's deadline for that organisation is met.
func (c *Case) Respond(dir *Directory, by PersonID, id, text string, at time.Time) (*Message, error) {
	if err := c.open(); err != nil {
		return nil, err
	}
	p, err := c.joined(dir, by)
	if err != nil {
		return nil, err
	}
	m := c.Message(id)
	if m == nil {
		return nil, fmt.Errorf("%w: message %q in case %s", ErrUnknown, id, c.ID)
	}
	i := slices.IndexFunc(m.To, func(r Recipient) bool { return r.Org == p.Org })
	if i < 0 {
		return nil, fmt.Errorf("%w: message %s was not addressed to %s", ErrInvalid, id, p.Org)
	}
	at = at.UTC()
	r := &m.To[i]
	if r.AckedAt.IsZero() {
		r.AckedAt, r.AckedBy = at, by
	}
	if r.RespondedAt.IsZero() {
		r.RespondedAt = at
	}
	from := m.FromOrg
	return c.log(Message{Kind: MessageResponse, From: by, FromOrg: p.Org, InReplyTo: id, Text: text, At: at,
		To: []Recipient{{Org: from, Person: m.From}}}), nil
}

// Share adds item to the case as shared by its author, by, on behalf of
// by's organisation (the item's source), with the first recipients the
// source chooses. Sharing is the source's choice, so TLP does not limit
// it; from then on every Forward passes through Decide. The item's ID must
// be new in the case; Source, Author, Audience and Created are set here.
func (c *Case) Share(dir *Directory, by PersonID, item Item, to []PersonID, at time.Time) (*Message, error) {
	if err := c.open(); err != nil {
		return nil, err
	}
	p, err := c.joined(dir, by)
	if err != nil {
		return nil, err
	}
	if item.ID == "" || c.Item(item.ID) != nil {
		return nil, fmt.Errorf("%w: item ID %q is empty or already in case %s", ErrInvalid, item.ID, c.ID)
	}
	if item.Origin != nil {
		// The sharer of a partner's object is its recipient, not its
		// source: making them the source would free it from its label.
		return nil, fmt.Errorf("%w: item %s came from a partner (it has an origin): record it with Receive", ErrInvalid, item.ID)
	}
	at = at.UTC()
	item.Source, item.Author, item.Created = p.Org, by, at
	normaliseTimes(&item)
	item.Audience = nil
	for _, r := range to {
		if _, err := person(dir, r); err != nil {
			return nil, err
		}
		if r != by && !slices.Contains(item.Audience, r) {
			item.Audience = append(item.Audience, r)
		}
	}
	parts, err := c.parts(&item)
	if err != nil {
		return nil, err
	}
	if least := Strictest(labelsOf(parts)...); item.Label < least {
		return nil, fmt.Errorf("%w: item %s is %s but combines a %s item", ErrInvalid, item.ID, item.Label, least)
	}
	for _, pt := range parts {
		if !c.Holds(by, pt.ID) {
			return nil, fmt.Errorf("%w: %s does not hold part %s", ErrInvalid, by, pt.ID)
		}
	}
	if err := item.Validate(); err != nil {
		return nil, err
	}
	if err := ValidateItem(dir, &item, parts); err != nil {
		return nil, err
	}
	// A person of the source shares: for a combined item each part's own
	// rule still applies to every first recipient.
	if len(parts) > 0 {
		for _, r := range item.Audience {
			if d := Decide(dir, &item, parts, c.Community, by, r); !d.Allowed {
				return nil, c.refuse(dir, by, p.Org, item.ID, item.Label, r, d, at)
			}
		}
		// Parts from by's own organisation now reach the recipients too.
		for _, r := range item.Audience {
			RecordSourceShare(dir, &item, parts, by, r)
		}
	}
	c.Items = append(c.Items, item)
	c.Holdings = append(c.Holdings, Holding{Item: item.ID, Person: by, At: at})
	rs := make([]Recipient, 0, len(item.Audience))
	for _, r := range item.Audience {
		rp, _ := dir.Person(r)
		c.Holdings = append(c.Holdings, Holding{Item: item.ID, Person: r, From: by, At: at})
		rs = append(rs, Recipient{Org: rp.Org, Person: r})
	}
	return c.log(Message{Kind: MessageShare, From: by, FromOrg: p.Org, To: rs, Items: []ItemID{item.ID}, Label: item.Label, At: at}), nil
}

// Receive records an item a partner sent: from, a person of the item's
// source organisation (in the directory; the organisation need not take
// part in the case), gave it to to, a person of a participant that has
// joined. It is how imported STIX objects (ImportBundle) enter a case:
// the item keeps its label, content and origin; its Source and Author are
// from's, and to is its first recipient, so the partner's label governs
// what to may do with it. Map the STIX identity that created it onto a
// directory person first.
func (c *Case) Receive(dir *Directory, from, to PersonID, item Item, at time.Time) (*Message, error) {
	if err := c.open(); err != nil {
		return nil, err
	}
	rp, err := c.joined(dir, to)
	if err != nil {
		return nil, err
	}
	sp, err := person(dir, from)
	if err != nil {
		return nil, err
	}
	if item.ID == "" || c.Item(item.ID) != nil {
		return nil, fmt.Errorf("%w: item ID %q is empty or already in case %s", ErrInvalid, item.ID, c.ID)
	}
	if len(item.Parts) > 0 {
		return nil, fmt.Errorf("%w: a received item %s cannot combine items of the case", ErrInvalid, item.ID)
	}
	if sp.Org == rp.Org {
		// Receiving from oneself would make the receiver the source and
		// free the item from its label.
		return nil, fmt.Errorf("%w: %s and %s both act for %s: an item is received from another organisation", ErrInvalid, from, to, sp.Org)
	}
	if len(item.Permissions) > 0 {
		return nil, fmt.Errorf("%w: item %s: permissions are the source's to give (Permit), not part of what is received", ErrInvalid, item.ID)
	}
	at = at.UTC()
	item.Source, item.Author = sp.Org, from
	item.Created = item.Created.UTC()
	if item.Created.IsZero() {
		item.Created = at
	}
	item.Audience = []PersonID{to}
	normaliseTimes(&item)
	if err := item.Validate(); err != nil {
		return nil, err
	}
	if err := ValidateItem(dir, &item, nil); err != nil {
		return nil, err
	}
	c.Items = append(c.Items, item)
	c.Holdings = append(c.Holdings, Holding{Item: item.ID, Person: from, At: at}, Holding{Item: item.ID, Person: to, From: from, At: at})
	return c.log(Message{Kind: MessageShare, From: from, FromOrg: sp.Org, To: []Recipient{{Org: rp.Org, Person: to}},
		Items: []ItemID{item.ID}, Label: item.Label, At: at}), nil
}

// normaliseTimes keeps an item's times in UTC, as the stores do, so a
// round trip through any store gives the same value.
func normaliseTimes(it *Item) {
	if it.Indicator != nil {
		ind := *it.Indicator
		ind.ValidFrom, ind.ValidUntil = ind.ValidFrom.UTC(), ind.ValidUntil.UTC()
		it.Indicator = &ind
	}
	if it.Observed != nil {
		o := *it.Observed
		o.FirstObserved, o.LastObserved = o.FirstObserved.UTC(), o.LastObserved.UTC()
		it.Observed = &o
	}
}

// labelsOf returns the labels of items.
func labelsOf(items []*Item) []Label {
	out := make([]Label, len(items))
	for i, it := range items {
		out[i] = it.Label
	}
	return out
}

// parts resolves the parts of item in the case.
func (c *Case) parts(item *Item) ([]*Item, error) {
	if len(item.Parts) == 0 {
		return nil, nil
	}
	out := make([]*Item, 0, len(item.Parts))
	for _, id := range item.Parts {
		p := c.Item(id)
		if p == nil {
			return nil, fmt.Errorf("%w: part %q of item %s", ErrUnknown, id, item.ID)
		}
		out = append(out, p)
	}
	return out, nil
}

// refuse logs a refused share and returns its error.
func (c *Case) refuse(dir *Directory, by PersonID, org OrgID, item ItemID, label Label, to PersonID, d Decision, at time.Time) error {
	m := Message{Kind: MessageRefused, From: by, FromOrg: org, Items: []ItemID{item}, Label: label, At: at, Reason: string(d.Reason)}
	if to != "" {
		rp, _ := dir.Person(to)
		m.To = []Recipient{{Org: rp.Org, Person: to}}
	}
	c.log(m)
	return d.Err(by, to)
}

// Forward gives item, held by by, to another person, if the item's label
// allows it (Decide). by acts for a participant that has joined and not
// left: the case records what passes through it, and what a holder
// outside the case shares is beyond its reach. When by acts for the item's source, the recipient
// becomes one of its first recipients (Audience), as TLP 2.0 lets the
// source choose them. A refusal is logged in the exchange log (an audit
// record of the attempt) and returned as a *RefusedError (errors.Is
// ErrRefused): save the case either way.
func (c *Case) Forward(dir *Directory, by PersonID, id ItemID, to PersonID, at time.Time) error {
	if err := c.open(); err != nil {
		return err
	}
	p, err := c.joined(dir, by)
	if err != nil {
		return err
	}
	it := c.Item(id)
	if it == nil {
		return fmt.Errorf("%w: item %q in case %s", ErrUnknown, id, c.ID)
	}
	if !c.Holds(by, id) {
		return fmt.Errorf("%w: %s does not hold item %s", ErrInvalid, by, id)
	}
	at = at.UTC()
	parts, err := c.parts(it)
	if err != nil {
		return err
	}
	d := Decide(dir, it, parts, c.Community, by, to)
	if !d.Allowed {
		return c.refuse(dir, by, p.Org, id, it.Label, to, d, at)
	}
	if d.Reason == ReasonSource {
		// A person of the source giving the item out chooses a first
		// recipient: the label's reach now starts from them too, for
		// the item and for its parts from the same source.
		RecordSourceShare(dir, it, parts, by, to)
	}
	if c.Holds(to, id) {
		return nil
	}
	rp, _ := dir.Person(to)
	c.Holdings = append(c.Holdings, Holding{Item: id, Person: to, From: by, At: at})
	c.log(Message{Kind: MessageShare, From: by, FromOrg: p.Org, To: []Recipient{{Org: rp.Org, Person: to}}, Items: []ItemID{id}, Label: it.Label, At: at})
	return nil
}

// Permit records the source's explicit permission to give item to a
// person or an organisation beyond its label (TLP 2.0). Only a person of
// the item's source organisation may permit.
func (c *Case) Permit(dir *Directory, by PersonID, id ItemID, perm Permission, at time.Time) error {
	if err := c.open(); err != nil {
		return err
	}
	p, err := c.joined(dir, by)
	if err != nil {
		return err
	}
	it := c.Item(id)
	if it == nil {
		return fmt.Errorf("%w: item %q in case %s", ErrUnknown, id, c.ID)
	}
	if p.Org != it.Source {
		d := Decision{Reason: ReasonNotSource, Label: it.Label, Item: id,
			Detail: fmt.Sprintf("only %s, the source of item %s, may permit wider sharing; %s acts for %s", it.Source, id, by, p.Org)}
		to := perm.Person
		return c.refuse(dir, by, p.Org, id, it.Label, to, d, at.UTC())
	}
	if (perm.Person == "") == (perm.Org == "") {
		return fmt.Errorf("%w: a permission names one person or one organisation", ErrInvalid)
	}
	perm.By, perm.At = by, at.UTC()
	it.Permissions = append(it.Permissions, perm)
	return nil
}

// Broadcast sends a status update from the coordinator, labelled label, to
// the people of every participant that has joined and not left: the coordinator is its source
// and they its first recipients. TLP:RED goes to named individuals only,
// so a RED update must be shared with Share instead.
func (c *Case) Broadcast(dir *Directory, by PersonID, id ItemID, label Label, text string, at time.Time) (*Message, error) {
	if _, err := c.coordinating(dir, by); err != nil {
		return nil, err
	}
	if label == TLPRed {
		return nil, fmt.Errorf("%w: a TLP:RED update goes to named individuals: use Share", ErrInvalid)
	}
	return c.Share(dir, by, Item{ID: id, Kind: KindStatusUpdate, Label: label, Body: text}, c.joinedPeople(), at)
}

// joinedPeople lists the people of every participant that has joined and
// not left: an invited organisation receives nothing until it answers.
func (c *Case) joinedPeople() []PersonID {
	var to []PersonID
	for _, pt := range c.Participants {
		if pt.Status != StatusLeft && pt.Status != StatusInvited {
			to = append(to, pt.People...)
		}
	}
	return to
}

// ProposeStatement starts agreeing a public statement among required
// (the coordinator included). Only the coordinator proposes; a new
// proposal replaces one not yet final.
func (c *Case) ProposeStatement(dir *Directory, by PersonID, text string, required []OrgID, at time.Time) error {
	p, err := c.coordinating(dir, by)
	if err != nil {
		return err
	}
	if strings.TrimSpace(text) == "" {
		return fmt.Errorf("%w: a statement needs a text", ErrInvalid)
	}
	if c.Statement != nil && !c.Statement.Final.IsZero() {
		return fmt.Errorf("%w: the statement of case %s is already agreed", ErrInvalid, c.ID)
	}
	req := []OrgID{p.Org}
	for _, o := range required {
		if pt := c.Participant(o); pt == nil || pt.Status == StatusLeft {
			return fmt.Errorf("%w: %s in case %s", ErrNotParticipant, o, c.ID)
		}
		if !slices.Contains(req, o) {
			req = append(req, o)
		}
	}
	at = at.UTC()
	c.Statement = &Statement{Text: text, Required: req, Proposed: at, Agreements: []Agreement{{Org: p.Org, By: by, At: at}}}
	rs := make([]Recipient, 0, len(req))
	for _, o := range req[1:] {
		rs = append(rs, Recipient{Org: o, Person: c.Participant(o).Contact})
	}
	// A draft is embargoed until everyone agreed: the organisations
	// asked only, not yet TLP:CLEAR.
	c.log(Message{Kind: MessageStatement, From: by, FromOrg: p.Org, To: rs, Text: text, Label: TLPAmberStrict, At: at})
	return c.finalStatement(dir, at)
}

// AgreeStatement records by's organisation agreeing the proposed
// statement. When every required organisation has agreed it is final and
// is added to the case as a TLP:CLEAR statement item.
func (c *Case) AgreeStatement(dir *Directory, by PersonID, at time.Time) error {
	if err := c.open(); err != nil {
		return err
	}
	p, _, err := c.actor(dir, by)
	if err != nil {
		return err
	}
	s := c.Statement
	if s == nil || !s.Final.IsZero() {
		return fmt.Errorf("%w: no statement awaits agreement in case %s", ErrInvalid, c.ID)
	}
	if !slices.Contains(s.Required, p.Org) {
		return fmt.Errorf("%w: %s is not asked to agree the statement", ErrInvalid, p.Org)
	}
	if !slices.ContainsFunc(s.Agreements, func(a Agreement) bool { return a.Org == p.Org }) {
		s.Agreements = append(s.Agreements, Agreement{Org: p.Org, By: by, At: at.UTC()})
	}
	return c.finalStatement(dir, at.UTC())
}

// finalStatement publishes the statement once everyone required agreed,
// as a TLP:CLEAR item from the coordinator to every active participant.
func (c *Case) finalStatement(dir *Directory, at time.Time) error {
	s := c.Statement
	for _, o := range s.Required {
		if !slices.ContainsFunc(s.Agreements, func(a Agreement) bool { return a.Org == o }) {
			return nil
		}
	}
	id := ItemID(fmt.Sprintf("%s-statement", c.ID))
	for n := 2; c.Item(id) != nil; n++ {
		id = ItemID(fmt.Sprintf("%s-statement-%d", c.ID, n))
	}
	if _, err := c.Share(dir, s.Agreements[0].By, Item{ID: id, Kind: KindStatement, Label: TLPClear, Title: "Public statement", Body: s.Text}, c.joinedPeople(), at); err != nil {
		return err
	}
	s.Final, s.Item = at, id
	return nil
}

// Close closes the case. Every participant must have closed or left;
// otherwise reason must say why the case closes anyway (it is recorded
// with the participants still open). Only the coordinator closes.
func (c *Case) Close(dir *Directory, by PersonID, reason string, at time.Time) error {
	p, err := c.coordinating(dir, by)
	if err != nil {
		return err
	}
	var open []string
	for _, pt := range c.Participants {
		if pt.Org != c.Coordinator && pt.Status != StatusClosed && pt.Status != StatusLeft {
			open = append(open, fmt.Sprintf("%s (%s)", pt.Org, pt.Status))
		}
	}
	if len(open) > 0 && strings.TrimSpace(reason) == "" {
		return fmt.Errorf("%w: participants still open: %s; give a reason to close anyway", ErrOpenParticipants, strings.Join(open, ", "))
	}
	at = at.UTC()
	if len(open) > 0 {
		reason = fmt.Sprintf("%s (open: %s)", reason, strings.Join(open, ", "))
	}
	co := c.Participant(c.Coordinator)
	co.Status = StatusClosed
	co.History = append(co.History, StatusChange{Status: StatusClosed, By: by, At: at, Note: reason})
	var rs []Recipient
	for _, pt := range c.Participants {
		if pt.Org != c.Coordinator && pt.Status != StatusLeft {
			rs = append(rs, Recipient{Org: pt.Org, Person: pt.Contact})
		}
	}
	c.log(Message{Kind: MessageClose, From: by, FromOrg: p.Org, To: rs, Text: reason, At: at})
	c.withdraw(func(*Recipient) bool { return true }, fmt.Sprintf("case %s closed", c.ID), at)
	c.Status, c.Closed, c.CloseReason = CaseClosed, at, reason
	return nil
}

// Overdue is an answer owed and not given in time.
type Overdue struct {
	Message string      `json:"message"`
	Kind    MessageKind `json:"kind"`
	Org     OrgID       `json:"org"`
	Person  PersonID    `json:"person,omitempty"`
	Due     time.Time   `json:"due"`
	Text    string      `json:"text,omitempty"`
}

// Overdue lists, in log order, every respond-by deadline before now that
// has no response and was not withdrawn (the addressee left, or the case
// closed), per addressee.
func (c *Case) Overdue(now time.Time) []Overdue {
	var out []Overdue
	for _, m := range c.Log {
		for _, r := range m.To {
			if !r.RespondBy.IsZero() && r.RespondedAt.IsZero() && r.Withdrawn.IsZero() && r.RespondBy.Before(now) {
				if pt := c.Participant(r.Org); pt != nil && pt.Status == StatusLeft {
					continue
				}
				out = append(out, Overdue{Message: m.ID, Kind: m.Kind, Org: r.Org, Person: r.Person, Due: r.RespondBy, Text: m.Text})
			}
		}
	}
	return out
}

// validRole reports whether r is one of the participant roles.
func validRole(r Role) bool {
	switch r {
	case RoleCoordinator, RoleAffected, RoleReporter, RoleServiceProvider, RoleCSIRT, RoleLawEnforcement, RoleRegulator, RoleVendor:
		return true
	}
	return false
}
