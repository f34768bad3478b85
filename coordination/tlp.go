package coordination

// This file holds the Traffic Light Protocol 2.0 access decision (FIRST,
// August 2022, https://www.first.org/tlp/), enforced by the library rather
// than left to the caller. The rules, citing TLP 2.0:
//
//   - TLP is not a clearance level. The source chooses the first
//     recipients of an item; a person of the source organisation (Item.Source)
//     acts for the source, so whatever they share is the source choosing
//     recipients and is always allowed (ReasonSource); the caller records
//     the new first recipient (RecordSourceShare), since reach is anchored
//     on the Audience.
//   - The first recipients are Item.Audience (persons). Reach is anchored
//     on them and on the source, and is not transitive: E below is
//     {Item.Source} ∪ the organisations of the Audience; the clients of a
//     client and the community of a client are not reached. TLP 2.0 speaks
//     of "their organization and its clients" where "their" is the
//     recipient's; we read the recipient as a first recipient, which is the
//     conservative reading (a forward chain never widens the reach).
//   - TLP:RED, "for the eyes and ears of individual recipients only, no
//     further disclosure": the author, the Audience and persons named by a
//     Permission (Person) only. Only the source can widen it.
//   - TLP:AMBER+STRICT, "only ... within their organization": persons of an
//     organisation in E.
//   - TLP:AMBER, "within their organization and its clients": E and the
//     Clients of every organisation in E.
//   - TLP:GREEN, "within their community (not via publicly accessible
//     channels)": E and the member organisations of the item's community
//     (Item.Community, or the case's when empty).
//   - TLP:CLEAR, "no limit on disclosure": anyone, and any channel.
//   - "If a recipient needs to share the information more widely than
//     indicated by the original TLP designation, they must obtain explicit
//     permission from the original source": a Permission names a person or
//     an organisation (TLP:RED: a person only) and counts only when its By
//     is a person of the source organisation; any other is ignored (and
//     ValidateItem reports it).
//   - Defence in depth: a holder must be entitled to the item themselves
//     before they may give it to anyone.
//   - An item combining others (Parts) carries a label at least as strict as
//     the strictest of its parts (Combine), and a decision is allowed only
//     when the item's own rule and every part's rule allow, each part judged
//     with its own source, audience and permissions under max(part label,
//     combined label).
//   - Channels (DecideChannel): a public channel takes TLP:CLEAR only; a
//     non-public community channel also takes TLP:GREEN whose community it
//     is; TLP:AMBER, TLP:AMBER+STRICT and TLP:RED never go to a channel.

import (
	"cmp"
	"fmt"
	"slices"
)

// Directory holds the people, organisations and communities of a
// coordination and their relationships (clients, community membership).
// It is immutable once built by NewDirectory, so it is safe for
// concurrent use; accessors return copies.
type Directory struct {
	orgs        map[OrgID]Organisation
	people      map[PersonID]Person
	communities map[CommunityID]Community
	// clients and members are the relationships as sets, so that a
	// decision looks them up without allocating.
	clients map[[2]OrgID]struct{}
	members map[orgCommunity]struct{}
	// Sorted lists for the list accessors.
	orgList       []Organisation
	peopleList    []Person
	communityList []Community
}

type orgCommunity struct {
	org OrgID
	c   CommunityID
}

// NewDirectory builds a directory. It returns ErrInvalid naming the bad
// entry for an empty or duplicate ID, a person of an unknown organisation,
// or a client or community that is not in the directory. The inputs are
// copied.
func NewDirectory(orgs []Organisation, people []Person, communities []Community) (*Directory, error) {
	d := &Directory{
		orgs:        make(map[OrgID]Organisation, len(orgs)),
		people:      make(map[PersonID]Person, len(people)),
		communities: make(map[CommunityID]Community, len(communities)),
		clients:     make(map[[2]OrgID]struct{}),
		members:     make(map[orgCommunity]struct{}),
	}
	for i, c := range communities {
		if c.ID == "" {
			return nil, fmt.Errorf("%w: community %d has no ID", ErrInvalid, i)
		}
		if _, dup := d.communities[c.ID]; dup {
			return nil, fmt.Errorf("%w: community %q is listed twice", ErrInvalid, c.ID)
		}
		d.communities[c.ID] = c
	}
	for i, o := range orgs {
		if o.ID == "" {
			return nil, fmt.Errorf("%w: organisation %d has no ID", ErrInvalid, i)
		}
		if _, dup := d.orgs[o.ID]; dup {
			return nil, fmt.Errorf("%w: organisation %q is listed twice", ErrInvalid, o.ID)
		}
		o.Clients = slices.Clone(o.Clients)
		o.Communities = slices.Clone(o.Communities)
		d.orgs[o.ID] = o
	}
	// Relationships are checked once every organisation is known, so the
	// order of orgs does not matter.
	for _, o := range orgs {
		for _, c := range o.Clients {
			if _, ok := d.orgs[c]; !ok {
				return nil, fmt.Errorf("%w: organisation %q: client %q is not in the directory", ErrInvalid, o.ID, c)
			}
			d.clients[[2]OrgID{o.ID, c}] = struct{}{}
		}
		for _, c := range o.Communities {
			if _, ok := d.communities[c]; !ok {
				return nil, fmt.Errorf("%w: organisation %q: community %q is not in the directory", ErrInvalid, o.ID, c)
			}
			d.members[orgCommunity{o.ID, c}] = struct{}{}
		}
	}
	for i, p := range people {
		if p.ID == "" {
			return nil, fmt.Errorf("%w: person %d has no ID", ErrInvalid, i)
		}
		if _, dup := d.people[p.ID]; dup {
			return nil, fmt.Errorf("%w: person %q is listed twice", ErrInvalid, p.ID)
		}
		if _, ok := d.orgs[p.Org]; !ok {
			return nil, fmt.Errorf("%w: person %q: organisation %q is not in the directory", ErrInvalid, p.ID, p.Org)
		}
		d.people[p.ID] = p
	}
	d.orgList = make([]Organisation, 0, len(d.orgs))
	for _, o := range d.orgs {
		d.orgList = append(d.orgList, o)
	}
	slices.SortFunc(d.orgList, func(a, b Organisation) int { return cmp.Compare(a.ID, b.ID) })
	d.peopleList = make([]Person, 0, len(d.people))
	for _, p := range d.people {
		d.peopleList = append(d.peopleList, p)
	}
	slices.SortFunc(d.peopleList, func(a, b Person) int { return cmp.Compare(a.ID, b.ID) })
	d.communityList = make([]Community, 0, len(d.communities))
	for _, c := range d.communities {
		d.communityList = append(d.communityList, c)
	}
	slices.SortFunc(d.communityList, func(a, b Community) int { return cmp.Compare(a.ID, b.ID) })
	return d, nil
}

// Person returns the person with the given ID.
func (d *Directory) Person(id PersonID) (Person, bool) {
	if d == nil {
		return Person{}, false
	}
	p, ok := d.people[id]
	return p, ok
}

// Organisation returns a copy of the organisation with the given ID.
func (d *Directory) Organisation(id OrgID) (Organisation, bool) {
	if d == nil {
		return Organisation{}, false
	}
	o, ok := d.orgs[id]
	return cloneOrg(o), ok
}

// Community returns the community with the given ID.
func (d *Directory) Community(id CommunityID) (Community, bool) {
	if d == nil {
		return Community{}, false
	}
	c, ok := d.communities[id]
	return c, ok
}

// IsClient reports whether org is a client of the organisation of.
func (d *Directory) IsClient(of, org OrgID) bool {
	if d == nil {
		return false
	}
	_, ok := d.clients[[2]OrgID{of, org}]
	return ok
}

// InCommunity reports whether org is a member of community c.
func (d *Directory) InCommunity(org OrgID, c CommunityID) bool {
	if d == nil {
		return false
	}
	_, ok := d.members[orgCommunity{org, c}]
	return ok
}

// Organisations returns the organisations sorted by ID (copies).
func (d *Directory) Organisations() []Organisation {
	if d == nil {
		return nil
	}
	out := make([]Organisation, len(d.orgList))
	for i, o := range d.orgList {
		out[i] = cloneOrg(o)
	}
	return out
}

// People returns the people sorted by ID (a copy).
func (d *Directory) People() []Person {
	if d == nil {
		return nil
	}
	return slices.Clone(d.peopleList)
}

// Communities returns the communities sorted by ID (a copy).
func (d *Directory) Communities() []Community {
	if d == nil {
		return nil
	}
	return slices.Clone(d.communityList)
}

func cloneOrg(o Organisation) Organisation {
	o.Clients = slices.Clone(o.Clients)
	o.Communities = slices.Clone(o.Communities)
	return o
}

// Reason says why a decision was taken; it is recorded on refused shares
// (Message.Reason), so its values are stable sentences.
type Reason string

// Reasons for allowing.
const (
	// ReasonSource: the holder acts for the source organisation, which
	// chooses the recipients. The caller records the recipient as a first
	// recipient (RecordSourceShare).
	ReasonSource Reason = "source chooses recipients"
	// ReasonClear: TLP:CLEAR has no limit on disclosure.
	ReasonClear Reason = "TLP:CLEAR has no limit on disclosure"
	// ReasonAudience: the person is the author or a first recipient chosen
	// by the source.
	ReasonAudience Reason = "first recipient chosen by the source"
	// ReasonPermission: the source gave explicit permission.
	ReasonPermission Reason = "explicit permission from the source"
	// ReasonSameOrganisation: the person's organisation is the source's or
	// a first recipient's.
	ReasonSameOrganisation Reason = "within the organisation of the source or a first recipient"
	// ReasonClient: TLP:AMBER, the person's organisation is a client of the
	// source's or a first recipient's.
	ReasonClient Reason = "client of the source or of a first recipient's organisation"
	// ReasonCommunity: TLP:GREEN, within the item's community.
	ReasonCommunity Reason = "within the item's community"
)

// Reasons for refusing.
const (
	// ReasonRedNoFurtherDisclosure: TLP:RED goes to named recipients only.
	ReasonRedNoFurtherDisclosure Reason = "TLP:RED: no further disclosure"
	// ReasonOutsideOrganisation: TLP:AMBER+STRICT stays within the
	// organisations of the source and the first recipients.
	ReasonOutsideOrganisation Reason = "TLP:AMBER+STRICT: outside the organisations of the source and the first recipients"
	// ReasonOutsideClients: TLP:AMBER stays within those organisations and
	// their clients.
	ReasonOutsideClients Reason = "TLP:AMBER: outside the organisations of the source and the first recipients and their clients"
	// ReasonOutsideCommunity: TLP:GREEN stays within its community.
	ReasonOutsideCommunity Reason = "TLP:GREEN: outside the item's community"
	// ReasonPublicChannel: only TLP:CLEAR goes to a publicly accessible
	// channel.
	ReasonPublicChannel Reason = "only TLP:CLEAR may go to a publicly accessible channel"
	// ReasonNotForChannel: TLP:AMBER, TLP:AMBER+STRICT and TLP:RED never go
	// to a community channel.
	ReasonNotForChannel Reason = "TLP:AMBER, TLP:AMBER+STRICT and TLP:RED never go to a channel"
	// ReasonHolderNotEntitled: the holder may not hold the item, so may not
	// give it.
	ReasonHolderNotEntitled Reason = "holder is not entitled to the item"
	// ReasonUnknownPerson: the holder or the recipient is not in the
	// directory.
	ReasonUnknownPerson Reason = "person not in the directory"
	// ReasonUnknownChannel: the channel is not a community of the
	// directory.
	ReasonUnknownChannel Reason = "channel not in the directory"
	// ReasonInvalidLabel: the item (or a part) carries no valid TLP label.
	ReasonInvalidLabel Reason = "invalid TLP label"
	// ReasonInvalidItem: there is no item or no directory, or the
	// combination nests too deep (a cycle).
	ReasonInvalidItem Reason = "invalid item"
	// ReasonUnknownPart: a part the item combines was not supplied.
	ReasonUnknownPart Reason = "part not supplied"
	// ReasonLabelLooserThanParts: a combined item's label is looser than
	// one of its parts'.
	ReasonLabelLooserThanParts Reason = "label looser than a combined part's"
	// ReasonNotSource: only a person of the source organisation may
	// permit sharing beyond the label (Case.Permit).
	ReasonNotSource Reason = "only the source may permit wider sharing"
	// ReasonPartRefused: a part's own rule refuses (Decision.Cause says
	// why).
	ReasonPartRefused Reason = "a combined part refuses"
)

// allowedDetail is the sentence of an allowed decision: a constant, so
// the allowed path does not allocate.
func allowedDetail(r Reason) string {
	switch r {
	case ReasonSource:
		return "the holder acts for the source, which chooses the recipients"
	case ReasonClear:
		return "TLP:CLEAR: recipients can spread this to the world"
	case ReasonAudience:
		return "the recipient is the author or a first recipient chosen by the source"
	case ReasonPermission:
		return "the source gave explicit permission to share with the recipient"
	case ReasonSameOrganisation:
		return "the recipient is within the organisation of the source or of a first recipient"
	case ReasonClient:
		return "the recipient's organisation is a client of the source or of a first recipient's organisation"
	case ReasonCommunity:
		return "the recipient is within the item's community"
	}
	return string(r)
}

// Decision is the outcome of Decide, DecideChannel or Entitled.
type Decision struct {
	Allowed bool
	Reason  Reason
	// Label is the label the decision was taken under (the item's).
	Label Label
	Item  ItemID
	// Part is the combined part that refused, if any.
	Part ItemID
	// Cause is the underlying reason when Reason is ReasonPartRefused or
	// ReasonHolderNotEntitled.
	Cause Reason
	// Detail is a human sentence; on refusal it names the people.
	Detail string
}

// Err returns nil when d allows, else a *RefusedError for holder giving
// the item to recipient.
func (d Decision) Err(holder, recipient PersonID) error {
	if d.Allowed {
		return nil
	}
	return &RefusedError{Item: d.Item, Label: d.Label, Holder: holder, Recipient: recipient, Reason: d.Reason, Detail: d.Detail}
}

// ChannelErr returns nil when d allows, else a *RefusedError for holder
// posting the item to channel.
func (d Decision) ChannelErr(holder PersonID, channel CommunityID) error {
	if d.Allowed {
		return nil
	}
	return &RefusedError{Item: d.Item, Label: d.Label, Holder: holder, Channel: channel, Reason: d.Reason, Detail: d.Detail}
}

// RefusedError is a share refused by the TLP rules; errors.Is(err,
// ErrRefused) holds.
type RefusedError struct {
	Item      ItemID
	Label     Label
	Holder    PersonID
	Recipient PersonID
	// Channel is set instead of Recipient for a channel post.
	Channel CommunityID
	Reason  Reason
	Detail  string
}

// Error says who may not give what to whom, and why: the Detail of the
// decision, which names them all.
func (e *RefusedError) Error() string {
	if e.Detail != "" {
		return ErrRefused.Error() + ": " + e.Detail
	}
	to := string(e.Recipient)
	if e.Channel != "" {
		to = "channel " + string(e.Channel)
	}
	return fmt.Sprintf("%v: item %s (%s): %s may not give it to %s: %s", ErrRefused, e.Item, e.Label, e.Holder, to, e.Reason)
}

// Is reports whether target is ErrRefused.
func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

// mutation deliberately breaks one rule; the exported functions pass
// mutNone. The property test runs with each other value and checks that
// it fails, so the test is known to catch each kind of mistake.
type mutation uint8

const (
	mutNone                 mutation = iota
	mutRedForward                    // TLP:RED forwarded within the holder's organisation
	mutRedOrgPermission              // TLP:RED widened by a permission naming an organisation
	mutAmberStrictClients            // TLP:AMBER+STRICT reaches clients
	mutAmberAnyOrg                   // TLP:AMBER reaches any organisation
	mutAmberTransitive               // TLP:AMBER reaches the clients of the holder's organisation
	mutGreenAnyCommunity             // TLP:GREEN reaches any community of the holder's organisation
	mutGreenPublic                   // a public channel takes TLP:GREEN
	mutChannelAmber                  // a community channel takes TLP:AMBER
	mutChannelAnyCommunity           // TLP:GREEN goes to any non-public channel
	mutPermissionAnyGranter          // a permission counts whoever granted it
	mutCombineIgnoresParts           // the parts' rules are not applied
	mutCombineLoosest                // combination keeps the loosest label, parts judged under their own
	mutHolderUnchecked               // the holder's own entitlement is not checked
	mutCount
)

// maxDepth bounds nested combinations, so a cycle among parts is refused
// rather than followed forever.
const maxDepth = 16

type eval struct {
	dir              *Directory
	parts            []*Item
	defaultCommunity CommunityID
	mut              mutation
}

// Decide decides whether holder may give item to recipient under TLP 2.0
// (see the rules at the top of this file). parts are the items item
// combines, resolved by the caller (nested parts included); they are
// ignored when item has no Parts, and a missing one refuses with
// ReasonUnknownPart. defaultCommunity is the case's community, the reach
// of a TLP:GREEN item with no Community. Decide never panics; an unknown
// person refuses with ReasonUnknownPerson. The allowed path does not
// allocate.
func Decide(dir *Directory, item *Item, parts []*Item, defaultCommunity CommunityID, holder, recipient PersonID) Decision {
	return decide(dir, item, parts, defaultCommunity, holder, recipient, mutNone)
}

// DecideChannel decides whether holder may post item to the community
// channel: a public channel takes TLP:CLEAR only; a non-public channel
// also takes TLP:GREEN when it is the item's community (and every GREEN
// part's). TLP:AMBER, TLP:AMBER+STRICT and TLP:RED never go to a channel,
// not even from the source: a channel reaches whoever is in it, not
// chosen recipients.
func DecideChannel(dir *Directory, item *Item, parts []*Item, defaultCommunity CommunityID, holder PersonID, channel CommunityID) Decision {
	return decideChannel(dir, item, parts, defaultCommunity, holder, channel, mutNone)
}

// Entitled decides whether person may hold item at all: whether the item
// and every part reach them (a person of the source organisation always
// may). It is what a view of a case uses.
func Entitled(dir *Directory, item *Item, parts []*Item, defaultCommunity CommunityID, person PersonID) Decision {
	return entitled(dir, item, parts, defaultCommunity, person, mutNone)
}

// precheck refuses what no rule can judge: no directory or item, an
// unknown person, an invalid label.
func precheck(dir *Directory, item *Item) (Decision, bool) {
	if item == nil {
		return Decision{Reason: ReasonInvalidItem, Detail: "no item"}, false
	}
	d := Decision{Item: item.ID, Label: item.Label}
	if dir == nil {
		d.Reason, d.Detail = ReasonInvalidItem, "no directory"
		return d, false
	}
	if !item.Label.Valid() {
		d.Reason = ReasonInvalidLabel
		d.Detail = fmt.Sprintf("item %s carries label %d, not a TLP 2.0 label", item.ID, uint8(item.Label))
		return d, false
	}
	return d, true
}

func unknownPerson(d Decision, role string, id PersonID) Decision {
	d.Reason = ReasonUnknownPerson
	d.Detail = fmt.Sprintf("%s %q is not in the directory", role, id)
	return d
}

func decide(dir *Directory, item *Item, parts []*Item, defaultCommunity CommunityID, holder, recipient PersonID, mut mutation) Decision {
	d, ok := precheck(dir, item)
	if !ok {
		return d
	}
	h, ok := dir.people[holder]
	if !ok {
		return unknownPerson(d, "holder", holder)
	}
	r, ok := dir.people[recipient]
	if !ok {
		return unknownPerson(d, "recipient", recipient)
	}
	e := eval{dir: dir, parts: parts, defaultCommunity: defaultCommunity, mut: mut}
	if mut != mutHolderUnchecked {
		if hd := e.walk(item, item.Label, nil, &h, 0); !hd.Allowed {
			return e.refuse(item, hd, ReasonHolderNotEntitled, holder, recipient, "")
		}
	}
	out := e.walk(item, item.Label, &h, &r, 0)
	if !out.Allowed {
		return e.refuse(item, out, "", holder, recipient, "")
	}
	return out
}

func decideChannel(dir *Directory, item *Item, parts []*Item, defaultCommunity CommunityID, holder PersonID, channel CommunityID, mut mutation) Decision {
	d, ok := precheck(dir, item)
	if !ok {
		return d
	}
	h, ok := dir.people[holder]
	if !ok {
		return unknownPerson(d, "holder", holder)
	}
	ch, ok := dir.communities[channel]
	if !ok {
		d.Reason = ReasonUnknownChannel
		d.Detail = fmt.Sprintf("channel %q is not a community of the directory", channel)
		return d
	}
	e := eval{dir: dir, parts: parts, defaultCommunity: defaultCommunity, mut: mut}
	if mut != mutHolderUnchecked {
		if hd := e.walk(item, item.Label, nil, &h, 0); !hd.Allowed {
			return e.refuse(item, hd, ReasonHolderNotEntitled, holder, "", channel)
		}
	}
	out := e.walkChannel(item, item.Label, &ch, 0)
	if !out.Allowed {
		return e.refuse(item, out, "", holder, "", channel)
	}
	return out
}

func entitled(dir *Directory, item *Item, parts []*Item, defaultCommunity CommunityID, person PersonID, mut mutation) Decision {
	d, ok := precheck(dir, item)
	if !ok {
		return d
	}
	p, ok := dir.people[person]
	if !ok {
		return unknownPerson(d, "person", person)
	}
	e := eval{dir: dir, parts: parts, defaultCommunity: defaultCommunity, mut: mut}
	out := e.walk(item, item.Label, nil, &p, 0)
	if !out.Allowed {
		return e.refuse(item, out, "", "", person, "")
	}
	return out
}

// refuse completes a refusal of item: wraps the rule's reason in outer
// (ReasonHolderNotEntitled) when given, and writes the detail. Only the
// refused path formats.
func (e *eval) refuse(item *Item, in Decision, outer Reason, holder, recipient PersonID, channel CommunityID) Decision {
	out := in
	out.Item, out.Label = item.ID, item.Label
	if outer != "" {
		out.Cause = in.Reason
		if in.Reason == ReasonPartRefused {
			out.Cause = in.Cause
		}
		out.Reason = outer
	}
	why := out.Reason
	if out.Cause != "" {
		why = out.Cause
	}
	// Concatenation rather than fmt: refusals are frequent when a view
	// filters a case.
	var who string
	switch {
	case outer == ReasonHolderNotEntitled:
		who = "holder " + string(holder) + " may not hold it"
	case channel != "":
		who = string(holder) + " may not post it to channel " + string(channel)
	case holder == "":
		who = string(recipient) + " may not hold it"
	default:
		who = string(holder) + " may not give it to " + string(recipient)
	}
	out.Detail = "item " + string(item.ID) + " (" + item.Label.String() + "): " + who + ": " + string(why)
	if out.Part != "" {
		out.Detail += " (part " + string(out.Part) + ")"
	}
	return out
}

// part finds a supplied part by ID.
func (e *eval) part(id ItemID) *Item {
	for _, p := range e.parts {
		if p != nil && p.ID == id {
			return p
		}
	}
	return nil
}

// walkParts applies the combination rules to it's parts with check, which
// judges one part under a label. It returns an allowed zero Decision when
// every part allows.
func (e *eval) walkParts(it *Item, l Label, depth int, check func(p *Item, pl Label, depth int) Decision) Decision {
	if len(it.Parts) == 0 || e.mut == mutCombineIgnoresParts {
		return Decision{Allowed: true}
	}
	if depth >= maxDepth {
		return Decision{Reason: ReasonInvalidItem, Part: it.ID}
	}
	for _, id := range it.Parts {
		p := e.part(id)
		if p == nil {
			return Decision{Reason: ReasonUnknownPart, Part: id}
		}
		if !p.Label.Valid() {
			return Decision{Reason: ReasonPartRefused, Cause: ReasonInvalidLabel, Part: id}
		}
		pl := max(p.Label, l)
		if e.mut == mutCombineLoosest {
			pl = p.Label
		} else if p.Label > l {
			return Decision{Reason: ReasonLabelLooserThanParts, Part: id}
		}
		if sub := check(p, pl, depth+1); !sub.Allowed {
			out := Decision{Reason: ReasonPartRefused, Cause: sub.Reason, Part: id}
			if sub.Part != "" {
				// The deepest part that refused is the one to name.
				out.Part, out.Cause = sub.Part, sub.Cause
				if sub.Reason != ReasonPartRefused {
					out.Cause = sub.Reason
				}
			}
			return out
		}
	}
	return Decision{Allowed: true}
}

// walk judges it under label l and then its parts. With holder nil it
// decides whether p may hold it; otherwise whether holder may give it to
// p.
func (e *eval) walk(it *Item, l Label, holder, p *Person, depth int) Decision {
	ok, why := e.rule(it, l, holder, p)
	if !ok {
		return Decision{Reason: why}
	}
	if sub := e.walkParts(it, l, depth, func(part *Item, pl Label, depth int) Decision {
		return e.walk(part, pl, holder, p, depth)
	}); !sub.Allowed {
		return sub
	}
	return Decision{Allowed: true, Reason: why, Item: it.ID, Label: l, Detail: allowedDetail(why)}
}

// walkChannel judges posting it to channel ch under label l, then its
// parts.
func (e *eval) walkChannel(it *Item, l Label, ch *Community, depth int) Decision {
	ok, why := e.channelRule(it, l, ch)
	if !ok {
		return Decision{Reason: why}
	}
	if sub := e.walkParts(it, l, depth, func(part *Item, pl Label, depth int) Decision {
		return e.walkChannel(part, pl, ch, depth)
	}); !sub.Allowed {
		return sub
	}
	return Decision{Allowed: true, Reason: why, Item: it.ID, Label: l, Detail: allowedDetail(why)}
}

func (e *eval) community(it *Item) CommunityID {
	if it.Community != "" {
		return it.Community
	}
	return e.defaultCommunity
}

func (e *eval) channelRule(it *Item, l Label, ch *Community) (bool, Reason) {
	if l == TLPClear {
		return true, ReasonClear
	}
	if ch.Public && (l != TLPGreen || e.mut != mutGreenPublic) {
		return false, ReasonPublicChannel
	}
	switch {
	case l == TLPGreen:
		if e.community(it) == ch.ID || e.mut == mutChannelAnyCommunity {
			return true, ReasonCommunity
		}
		return false, ReasonOutsideCommunity
	case l == TLPAmber && e.mut == mutChannelAmber:
		return true, ReasonCommunity
	}
	return false, ReasonNotForChannel
}

// rule is one item's rule. With holder nil: may p hold it (a person of
// the source organisation always may). Otherwise: may holder give it to
// p (a holder of the source organisation is the source choosing).
func (e *eval) rule(it *Item, l Label, holder, p *Person) (bool, Reason) {
	if holder == nil {
		if p.Org == it.Source {
			return true, ReasonSource
		}
	} else if holder.Org == it.Source {
		return true, ReasonSource
	}
	return e.reach(it, l, p, holder)
}

// reach reports whether the label l of it reaches p, and why. holder is
// used only by the mutations that get the rules wrong on purpose.
func (e *eval) reach(it *Item, l Label, p, holder *Person) (bool, Reason) {
	if l == TLPClear {
		return true, ReasonClear
	}
	if p.ID == it.Author || slices.Contains(it.Audience, p.ID) {
		return true, ReasonAudience
	}
	if e.permitted(it, l, p) {
		return true, ReasonPermission
	}
	if l == TLPRed {
		if e.mut == mutRedForward && holder != nil && holder.Org == p.Org {
			return true, ReasonSameOrganisation
		}
		return false, ReasonRedNoFurtherDisclosure
	}
	if e.firstOrg(it, p.Org) {
		return true, ReasonSameOrganisation
	}
	switch l {
	case TLPAmberStrict:
		if e.mut == mutAmberStrictClients && e.firstClient(it, p.Org) {
			return true, ReasonClient
		}
		return false, ReasonOutsideOrganisation
	case TLPAmber:
		if e.mut == mutAmberAnyOrg || e.firstClient(it, p.Org) {
			return true, ReasonClient
		}
		if e.mut == mutAmberTransitive && holder != nil && e.dir.IsClient(holder.Org, p.Org) {
			return true, ReasonClient
		}
		return false, ReasonOutsideClients
	case TLPGreen:
		if c := e.community(it); c != "" && e.dir.InCommunity(p.Org, c) {
			return true, ReasonCommunity
		}
		if e.mut == mutGreenAnyCommunity && holder != nil {
			for _, c := range e.dir.orgs[holder.Org].Communities {
				if e.dir.InCommunity(p.Org, c) {
					return true, ReasonCommunity
				}
			}
		}
		return false, ReasonOutsideCommunity
	}
	return false, ReasonInvalidLabel
}

// firstOrg reports whether org is in E: the source or the organisation of
// a first recipient.
func (e *eval) firstOrg(it *Item, org OrgID) bool {
	if org == it.Source {
		return true
	}
	for _, a := range it.Audience {
		if ap, ok := e.dir.people[a]; ok && ap.Org == org {
			return true
		}
	}
	return false
}

// firstClient reports whether org is a client of an organisation in E.
// Only E's own clients count: a client's clients are not reached.
func (e *eval) firstClient(it *Item, org OrgID) bool {
	if e.dir.IsClient(it.Source, org) {
		return true
	}
	for _, a := range it.Audience {
		if ap, ok := e.dir.people[a]; ok && e.dir.IsClient(ap.Org, org) {
			return true
		}
	}
	return false
}

// permitted reports whether a valid permission of the source names p (for
// TLP:RED, by person only).
func (e *eval) permitted(it *Item, l Label, p *Person) bool {
	for i := range it.Permissions {
		pm := &it.Permissions[i]
		// TLP:RED is for individual recipients: an organisation-wide
		// permission does not reach anyone.
		names := (pm.Person != "" && pm.Person == p.ID) ||
			(pm.Org != "" && pm.Org == p.Org && (l != TLPRed || e.mut == mutRedOrgPermission))
		if names && (e.mut == mutPermissionAnyGranter || e.grantedBySource(it, pm)) {
			return true
		}
	}
	return false
}

// grantedBySource reports whether pm was given by a person of the source
// organisation: only the source may widen (TLP 2.0).
func (e *eval) grantedBySource(it *Item, pm *Permission) bool {
	by, ok := e.dir.people[pm.By]
	return ok && by.Org == it.Source
}

// RecordSourceShare records recipient as a first recipient (Audience) of
// item and of each of its parts whose Source is holder's organisation.
// Call it after Decide allowed a share: a holder of the source
// organisation is the source choosing a new recipient, and entitlement
// (Entitled, and the reach of TLP:AMBER+STRICT, TLP:AMBER and TLP:GREEN)
// is anchored on the Audience, so the choice must be written there. People
// of the source organisation are not recorded (they hold it anyway). It
// returns the IDs of the items it changed, and changes nothing for an
// unknown holder or recipient.
func RecordSourceShare(dir *Directory, item *Item, parts []*Item, holder, recipient PersonID) []ItemID {
	h, ok := dir.Person(holder)
	if !ok || item == nil {
		return nil
	}
	r, ok := dir.Person(recipient)
	if !ok {
		return nil
	}
	var changed []ItemID
	record := func(it *Item) {
		if it.Source == h.Org && r.Org != it.Source && !slices.Contains(it.Audience, recipient) {
			it.Audience = append(it.Audience, recipient)
			changed = append(changed, it.ID)
		}
	}
	record(item)
	e := eval{dir: dir, parts: parts}
	seen := map[ItemID]bool{item.ID: true}
	// Walk the combination breadth first; seen stops cycles.
	queue := slices.Clone(item.Parts)
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if seen[id] {
			continue
		}
		seen[id] = true
		if p := e.part(id); p != nil {
			record(p)
			queue = append(queue, p.Parts...)
		}
	}
	return changed
}

// Combine builds an item combining parts: its Parts are the parts' IDs
// and its Label the strictest of theirs, so that combining never loosens
// (TLP 2.0 labels information, and a combination carries every part's).
// Source, Author and Audience are the caller's; Kind, Community and the
// content are left for the caller to set. Nested combinations are not
// flattened: Decide needs the nested parts supplied too. It returns
// ErrInvalid for an empty ID, no parts, a nil part, a part without ID or
// with an invalid label, or a part given twice.
func Combine(id ItemID, source OrgID, author PersonID, audience []PersonID, parts ...*Item) (Item, error) {
	return combine(id, source, author, audience, mutNone, parts...)
}

func combine(id ItemID, source OrgID, author PersonID, audience []PersonID, mut mutation, parts ...*Item) (Item, error) {
	if id == "" {
		return Item{}, fmt.Errorf("%w: combined item has no ID", ErrInvalid)
	}
	if len(parts) == 0 {
		return Item{}, fmt.Errorf("%w: combined item %s has no parts", ErrInvalid, id)
	}
	it := Item{ID: id, Source: source, Author: author, Audience: slices.Clone(audience), Parts: make([]ItemID, 0, len(parts))}
	for i, p := range parts {
		switch {
		case p == nil:
			return Item{}, fmt.Errorf("%w: combined item %s: part %d is nil", ErrInvalid, id, i)
		case p.ID == "":
			return Item{}, fmt.Errorf("%w: combined item %s: part %d has no ID", ErrInvalid, id, i)
		case !p.Label.Valid():
			return Item{}, fmt.Errorf("%w: combined item %s: part %s has no valid label", ErrInvalid, id, p.ID)
		case slices.Contains(it.Parts, p.ID):
			return Item{}, fmt.Errorf("%w: combined item %s: part %s is given twice", ErrInvalid, id, p.ID)
		}
		it.Parts = append(it.Parts, p.ID)
		if mut == mutCombineLoosest {
			if it.Label == 0 || p.Label < it.Label {
				it.Label = p.Label
			}
		} else {
			it.Label = Strictest(it.Label, p.Label)
		}
	}
	return it, nil
}

// ValidateItem checks item's TLP data against dir: a valid label, a known
// source organisation, an author of the source organisation, known first
// recipients, a known community, and permissions naming a known person or
// organisation granted by a person of the source organisation (one granted
// by anyone else is ignored by Decide; this reports it). For a combined
// item, parts must hold every part, and the label must be at least the
// strictest of theirs. It returns ErrInvalid naming the first problem.
func ValidateItem(dir *Directory, item *Item, parts []*Item) error {
	if item == nil || dir == nil {
		return fmt.Errorf("%w: no item or no directory", ErrInvalid)
	}
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: item %s: %s", ErrInvalid, item.ID, fmt.Sprintf(format, a...))
	}
	if item.ID == "" {
		return fmt.Errorf("%w: item has no ID", ErrInvalid)
	}
	if !item.Label.Valid() {
		return bad("label %d is not a TLP 2.0 label", uint8(item.Label))
	}
	if _, ok := dir.orgs[item.Source]; !ok {
		return bad("source %q is not in the directory", item.Source)
	}
	if a, ok := dir.people[item.Author]; !ok {
		return bad("author %q is not in the directory", item.Author)
	} else if a.Org != item.Source {
		return bad("author %s is not of the source organisation %s", a.ID, item.Source)
	}
	for _, a := range item.Audience {
		if _, ok := dir.people[a]; !ok {
			return bad("first recipient %q is not in the directory", a)
		}
	}
	if item.Community != "" {
		if _, ok := dir.communities[item.Community]; !ok {
			return bad("community %q is not in the directory", item.Community)
		}
	}
	for i, pm := range item.Permissions {
		switch {
		case pm.Person == "" && pm.Org == "":
			return bad("permission %d names no one", i)
		case pm.Person != "" && !known(dir.people, pm.Person):
			return bad("permission %d: person %q is not in the directory", i, pm.Person)
		case pm.Org != "" && !known(dir.orgs, pm.Org):
			return bad("permission %d: organisation %q is not in the directory", i, pm.Org)
		}
		if by, ok := dir.people[pm.By]; !ok || by.Org != item.Source {
			return bad("permission %d was granted by %q, not by the source %s: only the source may widen", i, pm.By, item.Source)
		}
		if item.Label == TLPRed && pm.Person == "" {
			return bad("permission %d names an organisation: TLP:RED permission names persons", i)
		}
	}
	e := eval{dir: dir, parts: parts}
	for _, id := range item.Parts {
		p := e.part(id)
		switch {
		case p == nil:
			return bad("part %s is not supplied", id)
		case !p.Label.Valid():
			return bad("part %s has no valid label", id)
		case p.Label > item.Label:
			return bad("label %s is looser than part %s's %s", item.Label, id, p.Label)
		}
	}
	return nil
}

func known[K comparable, V any](m map[K]V, k K) bool {
	_, ok := m[k]
	return ok
}
