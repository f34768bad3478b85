package coordination

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The property: however items are forwarded and posted under Decide and
// DecideChannel, everyone who ends up holding an item is entitled to it
// by the TLP 2.0 text, and nothing but TLP:CLEAR reaches a public
// channel. Entitlement is judged by an oracle written here plainly from
// the TLP text, from the raw world rather than from the Directory, and
// calling none of the code under test.
//
// The same property is run with each mutation of the rules (mutation in
// tlp.go) and must fail for every one: that is how we know it bites.

// world is a random directory kept in plain maps for the oracle.
type world struct {
	dir       *Directory
	orgs      []OrgID
	people    []Person
	byOrg     map[OrgID][]Person
	person    map[PersonID]Person
	clients   map[OrgID]map[OrgID]bool
	member    map[OrgID]map[CommunityID]bool
	comms     []Community
	public    map[CommunityID]bool
	orgComms  map[OrgID][]CommunityID
	defComm   CommunityID
	itemCount int
}

const (
	propOrgs        = 30
	propPeople      = 120
	propCommunities = 4
)

func newWorld(t testing.TB, r *rand.Rand) *world {
	t.Helper()
	w := &world{
		byOrg: map[OrgID][]Person{}, person: map[PersonID]Person{},
		clients: map[OrgID]map[OrgID]bool{}, member: map[OrgID]map[CommunityID]bool{},
		public: map[CommunityID]bool{}, orgComms: map[OrgID][]CommunityID{},
	}
	for i := range propCommunities {
		c := Community{ID: CommunityID(fmt.Sprintf("c%d", i)), Public: i == propCommunities-1 || r.IntN(4) == 0}
		w.comms = append(w.comms, c)
		w.public[c.ID] = c.Public
	}
	for i := range propOrgs {
		w.orgs = append(w.orgs, OrgID(fmt.Sprintf("o%02d", i)))
	}
	orgs := make([]Organisation, 0, propOrgs)
	for _, id := range w.orgs {
		o := Organisation{ID: id}
		w.clients[id] = map[OrgID]bool{}
		w.member[id] = map[CommunityID]bool{}
		for range r.IntN(4) {
			c := w.orgs[r.IntN(propOrgs)]
			if c != id && !w.clients[id][c] {
				w.clients[id][c] = true
				o.Clients = append(o.Clients, c)
			}
		}
		for _, c := range w.comms {
			if r.IntN(10) < 3 {
				w.member[id][c.ID] = true
				o.Communities = append(o.Communities, c.ID)
			}
		}
		w.orgComms[id] = o.Communities
		orgs = append(orgs, o)
	}
	for i := range propPeople {
		p := Person{ID: PersonID(fmt.Sprintf("p%03d", i)), Org: w.orgs[i%propOrgs]}
		w.people = append(w.people, p)
		w.person[p.ID] = p
		w.byOrg[p.Org] = append(w.byOrg[p.Org], p)
	}
	switch r.IntN(6) {
	case 0:
		w.defComm = ""
	default:
		w.defComm = w.comms[r.IntN(propCommunities)].ID
	}
	var err error
	w.dir, err = NewDirectory(orgs, w.people, w.comms)
	require.NoError(t, err)
	return w
}

func (w *world) randomPerson(r *rand.Rand) Person { return w.people[r.IntN(len(w.people))] }

func (w *world) personOf(r *rand.Rand, org OrgID) Person {
	ps := w.byOrg[org]
	return ps[r.IntN(len(ps))]
}

// randomItem makes an item of any label with a random audience,
// community and permissions, a fair share of them granted by someone
// outside the source.
func (w *world) randomItem(r *rand.Rand) *Item {
	w.itemCount++
	src := w.orgs[r.IntN(propOrgs)]
	it := &Item{
		ID:     ItemID(fmt.Sprintf("i%d", w.itemCount)),
		Label:  Label(1 + r.IntN(5)),
		Source: src,
		Author: w.personOf(r, src).ID,
	}
	for range 1 + r.IntN(3) {
		it.Audience = append(it.Audience, w.randomPerson(r).ID)
	}
	if r.IntN(2) == 0 {
		it.Community = w.comms[r.IntN(propCommunities)].ID
	}
	for range r.IntN(3) {
		pm := Permission{By: w.personOf(r, src).ID}
		if r.IntN(2) == 0 {
			pm.By = w.randomPerson(r).ID
		}
		if r.IntN(2) == 0 {
			pm.Person = w.randomPerson(r).ID
		} else {
			pm.Org = w.orgs[r.IntN(propOrgs)]
		}
		it.Permissions = append(it.Permissions, pm)
	}
	return it
}

// The oracle, from the TLP 2.0 text.

// oracleLabel is the label a combination carries: the strictest of its
// own and its parts'.
func oracleLabel(it *Item, parts map[ItemID]*Item) Label {
	l := it.Label
	for _, id := range it.Parts {
		if p := parts[id]; p != nil && p.Label > l {
			l = p.Label
		}
	}
	return l
}

// oracleEntitled: may p hold it? Only if the item and each part it
// combines reach p under the combination's label.
func (w *world) oracleEntitled(it *Item, parts map[ItemID]*Item, p Person) bool {
	l := oracleLabel(it, parts)
	if !w.oracleReach(it, l, p) {
		return false
	}
	for _, id := range it.Parts {
		part := parts[id]
		if part == nil || !w.oracleReach(part, max(part.Label, l), p) {
			return false
		}
	}
	return true
}

// oracleReach: does one item under label l reach p?
func (w *world) oracleReach(it *Item, l Label, p Person) bool {
	// The source's own people hold their own information.
	if p.Org == it.Source {
		return true
	}
	// TLP:CLEAR: "no limit on disclosure".
	if l == TLPClear {
		return true
	}
	// The source chose the author and the first recipients.
	if p.ID == it.Author || slices.Contains(it.Audience, p.ID) {
		return true
	}
	// "explicit permission from the original source": only a person of
	// the source may grant; TLP:RED names individuals.
	for _, pm := range it.Permissions {
		by, ok := w.person[pm.By]
		if !ok || by.Org != it.Source {
			continue
		}
		if pm.Person != "" && pm.Person == p.ID {
			return true
		}
		if l != TLPRed && pm.Org != "" && pm.Org == p.Org {
			return true
		}
	}
	// TLP:RED: "individual recipients only, no further disclosure".
	if l == TLPRed {
		return false
	}
	// "within their organization": the source's and the first
	// recipients'.
	orgs := []OrgID{it.Source}
	for _, a := range it.Audience {
		orgs = append(orgs, w.person[a].Org)
	}
	if slices.Contains(orgs, p.Org) {
		return true
	}
	switch l {
	case TLPAmberStrict:
		return false
	case TLPAmber:
		// "and its clients": clients of those organisations, not
		// clients of clients.
		for _, o := range orgs {
			if w.clients[o][p.Org] {
				return true
			}
		}
		return false
	case TLPGreen:
		// "within their community": the item's, or the case's.
		c := it.Community
		if c == "" {
			c = w.defComm
		}
		return c != "" && w.member[p.Org][c]
	}
	return false
}

// propCase is one item with its parts and the people it starts with.
type propCase struct {
	item   *Item
	parts  []*Item
	byID   map[ItemID]*Item
	starts []PersonID
}

// propRun runs the forwarding property over at least want items, in
// fresh worlds of itemsPerWorld items, from seed with mutation mut; it
// returns the first violation, or "" when there is none. With check set
// (mutNone) it also compares Entitled with the oracle.
func propRun(t testing.TB, seed uint64, want, itemsPerWorld, steps int, mut mutation, check bool) (violation string, items int) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	for items < want {
		w := newWorld(t, r)
		var base []*Item
		for range itemsPerWorld {
			var c propCase
			if len(base) >= 3 && r.IntN(3) == 0 {
				var ok bool
				c, ok = w.randomCombination(r, base, mut)
				if !ok {
					continue
				}
			} else {
				it := w.randomItem(r)
				base = append(base, it)
				c = propCase{item: it, starts: append([]PersonID{it.Author}, it.Audience...)}
			}
			items++
			if v := w.forward(r, c, steps, mut, check); v != "" {
				return v, items
			}
		}
	}
	return "", items
}

// randomCombination combines 2 or 3 earlier items. Its author is someone
// entitled to every part, and its source's first recipients are chosen
// among those who are: the source chooses within what it may share.
func (w *world) randomCombination(r *rand.Rand, base []*Item, mut mutation) (propCase, bool) {
	n := 2 + r.IntN(2)
	parts := make([]*Item, 0, n)
	byID := map[ItemID]*Item{}
	for _, i := range r.Perm(len(base))[:n] {
		parts = append(parts, base[i])
		byID[base[i].ID] = base[i]
	}
	// The label the combination will carry: the strictest of the parts',
	// or one stricter, as the source may choose.
	strict := TLPClear
	for _, p := range parts {
		strict = max(strict, p.Label)
	}
	bump := r.IntN(4) == 0 && strict < TLPRed
	var eligible []Person
	for _, p := range w.people {
		// Entitled to every part under the combination's label (both
		// labels when bumped: the oracle's label is the combination's).
		ok := true
		for _, part := range parts {
			if !w.oracleReach(part, max(part.Label, strict), p) ||
				(bump && !w.oracleReach(part, max(part.Label, strict+1), p)) {
				ok = false
				break
			}
		}
		if ok {
			eligible = append(eligible, p)
		}
	}
	if len(eligible) == 0 {
		return propCase{}, false
	}
	author := eligible[r.IntN(len(eligible))]
	var audience []PersonID
	for range 1 + r.IntN(3) {
		audience = append(audience, eligible[r.IntN(len(eligible))].ID)
	}
	w.itemCount++
	it, err := combine(ItemID(fmt.Sprintf("i%d", w.itemCount)), author.Org, author.ID, audience, mut, parts...)
	if err != nil {
		panic(err) // the generator's mistake, not the code's
	}
	if bump {
		it.Label++ // a source may label a combination stricter
	}
	if r.IntN(2) == 0 {
		it.Community = w.comms[r.IntN(propCommunities)].ID
	}
	return propCase{item: &it, parts: parts, byID: byID, starts: append([]PersonID{it.Author}, it.Audience...)}, true
}

// recipientFor picks a recipient likely to sit on a rule's boundary: the
// holder's colleagues, their clients, their communities, people named by
// permissions, or anyone.
func (w *world) recipientFor(r *rand.Rand, it *Item, h Person) Person {
	switch r.IntN(6) {
	case 0:
		return w.personOf(r, h.Org)
	case 1:
		for c := range w.clients[h.Org] {
			return w.personOf(r, c)
		}
	case 2:
		if cs := w.orgComms[h.Org]; len(cs) > 0 {
			c := cs[r.IntN(len(cs))]
			for _, o := range w.orgs[r.IntN(propOrgs):] {
				if w.member[o][c] {
					return w.personOf(r, o)
				}
			}
		}
	case 3:
		if len(it.Permissions) > 0 {
			pm := it.Permissions[r.IntN(len(it.Permissions))]
			if pm.Person != "" {
				return w.person[pm.Person]
			}
			return w.personOf(r, pm.Org)
		}
	}
	return w.randomPerson(r)
}

// forward runs random forwards and channel posts of one item and checks
// the property.
func (w *world) forward(r *rand.Rand, c propCase, steps int, mut mutation, check bool) string {
	holders := map[PersonID]bool{}
	var order []PersonID // deterministic picking
	add := func(p PersonID) {
		if !holders[p] {
			holders[p] = true
			order = append(order, p)
		}
	}
	for _, p := range c.starts {
		add(p)
	}
	label := oracleLabel(c.item, c.byID)
	for range steps {
		h := w.person[order[r.IntN(len(order))]]
		if r.IntN(5) == 0 {
			// Someone who claims to hold it: the holder check must stop
			// them.
			h = w.randomPerson(r)
		}
		if r.IntN(6) == 0 {
			ch := w.comms[r.IntN(propCommunities)]
			d := decideChannel(w.dir, c.item, c.parts, w.defComm, h.ID, ch.ID, mut)
			if !d.Allowed {
				continue
			}
			if ch.Public && label != TLPClear {
				return fmt.Sprintf("item %s (%s) posted to public channel %s: %+v", c.item.ID, label, ch.ID, d)
			}
			// A post reaches everyone in the channel.
			add(h.ID)
			for _, o := range w.orgs {
				if w.member[o][ch.ID] {
					for _, p := range w.byOrg[o] {
						add(p.ID)
					}
				}
			}
			continue
		}
		rc := w.recipientFor(r, c.item, h)
		d := decide(w.dir, c.item, c.parts, w.defComm, h.ID, rc.ID, mut)
		if !d.Allowed {
			continue
		}
		add(h.ID) // they demonstrably held it
		add(rc.ID)
		// Where the holder acts for a source, it chose a new first
		// recipient: the caller records it, as the case does.
		RecordSourceShare(w.dir, c.item, c.parts, h.ID, rc.ID)
	}
	for _, p := range order {
		if !w.oracleEntitled(c.item, c.byID, w.person[p]) {
			return fmt.Sprintf("item %+v (parts %d) reached %s (%s), who is not entitled", *c.item, len(c.parts), p, w.person[p].Org)
		}
	}
	if check {
		// Entitled agrees with the oracle (on a sample, for speed).
		for range 12 {
			p := w.randomPerson(r)
			want := w.oracleEntitled(c.item, c.byID, p)
			if got := Entitled(w.dir, c.item, c.parts, w.defComm, p.ID); got.Allowed != want {
				return fmt.Sprintf("Entitled(%s, %s) = %+v, oracle says %v", c.item.ID, p.ID, got, want)
			}
		}
	}
	return ""
}

// propSize is 2,000 items, 40 to a world, forwarded 40 times each.
func propSize() (items, perWorld, steps int) { return 2000, 40, 40 }

func TestDecideTLPProperty(t *testing.T) {
	items, perWorld, steps := propSize()
	seeds := []uint64{1, 2}
	if testing.Short() {
		seeds = seeds[:1]
	}
	for _, seed := range seeds {
		v, n := propRun(t, seed, items, perWorld, steps, mutNone, true)
		require.Empty(t, v, "seed %d", seed)
		assert.GreaterOrEqual(t, n, 2000, "seed %d: items checked", seed)
	}
}

var mutationNames = [mutCount]string{
	mutNone:                 "none",
	mutRedForward:           "red forwarded within the holder's organisation",
	mutRedOrgPermission:     "red widened by an organisation permission",
	mutAmberStrictClients:   "amber+strict reaches clients",
	mutAmberAnyOrg:          "amber reaches any organisation",
	mutAmberTransitive:      "amber reaches clients of the holder's organisation",
	mutGreenAnyCommunity:    "green reaches any community of the holder",
	mutGreenPublic:          "public channel takes green",
	mutChannelAmber:         "channel takes amber",
	mutChannelAnyCommunity:  "green goes to any closed channel",
	mutPermissionAnyGranter: "permission counts whoever granted it",
	mutCombineIgnoresParts:  "parts' rules not applied",
	mutCombineLoosest:       "combination keeps the loosest label",
	mutHolderUnchecked:      "holder not checked",
}

// TestDecideTLPPropertyBites runs the property with every mutation of the
// rules: each must be caught with each seed of the property test (on
// seeds 1 to 20 every mutation was caught within 75 items).
func TestDecideTLPPropertyBites(t *testing.T) {
	items, perWorld, steps := propSize()
	for m := mutNone + 1; m < mutCount; m++ {
		t.Run(mutationNames[m], func(t *testing.T) {
			for _, seed := range []uint64{1, 2} {
				v, n := propRun(t, seed, items, perWorld, steps, m, false)
				assert.NotEmpty(t, v, "seed %d: mutation %d (%s) was not caught", seed, m, mutationNames[m])
				t.Logf("seed %d: caught after %d items: %s", seed, n, v)
			}
		})
	}
}
