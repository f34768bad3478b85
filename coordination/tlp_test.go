package coordination

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tlpDirectory is the fixture of the table tests:
//
//	bank (source)  clients: branch        communities: fin
//	branch         clients: shop          communities: retail
//	shop           (a client of a client)
//	cloud          clients: hoster        communities: fin
//	hoster                                communities: retail
//	isac                                  communities: fin, pub
//	outsider
//
// fin and retail are closed communities, pub is public.
func tlpDirectory(t testing.TB) *Directory {
	t.Helper()
	d, err := NewDirectory(
		[]Organisation{
			{ID: "bank", Name: "Bank", Clients: []OrgID{"branch"}, Communities: []CommunityID{"fin"}},
			{ID: "branch", Name: "Branch", Clients: []OrgID{"shop"}, Communities: []CommunityID{"retail"}},
			{ID: "shop", Name: "Shop"},
			{ID: "cloud", Name: "Cloud", Clients: []OrgID{"hoster"}, Communities: []CommunityID{"fin"}},
			{ID: "hoster", Name: "Hoster", Communities: []CommunityID{"retail"}},
			{ID: "isac", Name: "ISAC", Communities: []CommunityID{"fin", "pub"}},
			{ID: "outsider", Name: "Outsider"},
		},
		[]Person{
			{ID: "alice", Org: "bank"}, {ID: "bob", Org: "bank"},
			{ID: "carol", Org: "cloud"}, {ID: "dave", Org: "cloud"},
			{ID: "erin", Org: "hoster"}, {ID: "frank", Org: "branch"},
			{ID: "gina", Org: "shop"}, {ID: "ivan", Org: "isac"},
			{ID: "olga", Org: "outsider"}, {ID: "mallory", Org: "outsider"},
		},
		[]Community{{ID: "fin", Name: "Finance ISAC"}, {ID: "retail", Name: "Retail"}, {ID: "pub", Name: "Public list", Public: true}},
	)
	require.NoError(t, err)
	return d
}

// tlpItem is an item of the bank, written by alice, first given to carol
// of cloud.
func tlpItem(l Label) *Item {
	return &Item{ID: "i1", Kind: KindNote, Label: l, Source: "bank", Author: "alice", Audience: []PersonID{"carol"}}
}

func TestDecideTLPRules(t *testing.T) {
	dir := tlpDirectory(t)
	with := func(l Label, f func(*Item)) *Item {
		it := tlpItem(l)
		f(it)
		return it
	}
	cases := []struct {
		name              string
		item              *Item
		community         CommunityID
		holder, recipient PersonID
		allowed           bool
		reason            Reason
		cause             Reason
	}{
		// The source chooses recipients, whatever the label.
		{"red: author shares with anyone", tlpItem(TLPRed), "fin", "alice", "olga", true, ReasonSource, ""},
		{"red: source colleague shares with anyone", tlpItem(TLPRed), "fin", "bob", "mallory", true, ReasonSource, ""},
		// TLP:RED: no further disclosure.
		{"red: recipient may not forward in own org", tlpItem(TLPRed), "fin", "carol", "dave", false, ReasonRedNoFurtherDisclosure, ""},
		{"red: recipient may not forward to source colleague", tlpItem(TLPRed), "fin", "carol", "bob", false, ReasonRedNoFurtherDisclosure, ""},
		{"red: recipient may give back to author", tlpItem(TLPRed), "fin", "carol", "alice", true, ReasonAudience, ""},
		{"red: permission by source names person", with(TLPRed, func(i *Item) { i.Permissions = []Permission{{Person: "dave", By: "bob"}} }), "fin", "carol", "dave", true, ReasonPermission, ""},
		{"red: permission by recipient ignored", with(TLPRed, func(i *Item) { i.Permissions = []Permission{{Person: "dave", By: "carol"}} }), "fin", "carol", "dave", false, ReasonRedNoFurtherDisclosure, ""},
		{"red: permission by unknown ignored", with(TLPRed, func(i *Item) { i.Permissions = []Permission{{Person: "dave", By: "ghost"}} }), "fin", "carol", "dave", false, ReasonRedNoFurtherDisclosure, ""},
		{"red: organisation permission does not reach persons", with(TLPRed, func(i *Item) { i.Permissions = []Permission{{Org: "cloud", By: "alice"}} }), "fin", "carol", "dave", false, ReasonRedNoFurtherDisclosure, ""},
		// TLP:AMBER+STRICT: within the organisations of E only.
		{"amber+strict: same org as recipient", tlpItem(TLPAmberStrict), "fin", "carol", "dave", true, ReasonSameOrganisation, ""},
		{"amber+strict: source org", tlpItem(TLPAmberStrict), "fin", "carol", "bob", true, ReasonSameOrganisation, ""},
		{"amber+strict: client refused", tlpItem(TLPAmberStrict), "fin", "carol", "erin", false, ReasonOutsideOrganisation, ""},
		{"amber+strict: community refused", tlpItem(TLPAmberStrict), "fin", "carol", "ivan", false, ReasonOutsideOrganisation, ""},
		{"amber+strict: org permission", with(TLPAmberStrict, func(i *Item) { i.Permissions = []Permission{{Org: "hoster", By: "alice"}} }), "fin", "carol", "erin", true, ReasonPermission, ""},
		{"amber+strict: org permission by non-source ignored", with(TLPAmberStrict, func(i *Item) { i.Permissions = []Permission{{Org: "hoster", By: "dave"}} }), "fin", "carol", "erin", false, ReasonOutsideOrganisation, ""},
		// TLP:AMBER: E and the clients of E.
		{"amber: client of recipient org", tlpItem(TLPAmber), "fin", "carol", "erin", true, ReasonClient, ""},
		{"amber: client of source", tlpItem(TLPAmber), "fin", "carol", "frank", true, ReasonClient, ""},
		{"amber: same org", tlpItem(TLPAmber), "fin", "carol", "dave", true, ReasonSameOrganisation, ""},
		{"amber: client of a client refused", tlpItem(TLPAmber), "fin", "frank", "gina", false, ReasonOutsideClients, ""},
		{"amber: community refused", tlpItem(TLPAmber), "fin", "carol", "ivan", false, ReasonOutsideClients, ""},
		{"amber: permission by non-source ignored", with(TLPAmber, func(i *Item) { i.Permissions = []Permission{{Person: "ivan", By: "carol"}} }), "fin", "carol", "ivan", false, ReasonOutsideClients, ""},
		// TLP:GREEN: E and the item's community.
		{"green: default community member", tlpItem(TLPGreen), "fin", "carol", "ivan", true, ReasonCommunity, ""},
		{"green: community of a client not reached", tlpItem(TLPGreen), "fin", "carol", "erin", false, ReasonOutsideCommunity, ""},
		{"green: item community overrides default", with(TLPGreen, func(i *Item) { i.Community = "retail" }), "fin", "carol", "erin", true, ReasonCommunity, ""},
		{"green: item community excludes default's", with(TLPGreen, func(i *Item) { i.Community = "retail" }), "fin", "carol", "ivan", false, ReasonOutsideCommunity, ""},
		{"green: no community, E only", tlpItem(TLPGreen), "", "carol", "ivan", false, ReasonOutsideCommunity, ""},
		{"green: no community, E still reached", tlpItem(TLPGreen), "", "carol", "dave", true, ReasonSameOrganisation, ""},
		{"green: permission widens", with(TLPGreen, func(i *Item) { i.Permissions = []Permission{{Person: "olga", By: "alice"}} }), "fin", "carol", "olga", true, ReasonPermission, ""},
		// TLP:CLEAR: no limit.
		{"clear: anyone", tlpItem(TLPClear), "", "olga", "mallory", true, ReasonClear, ""},
		// The holder must be entitled.
		{"holder not entitled", tlpItem(TLPGreen), "fin", "olga", "ivan", false, ReasonHolderNotEntitled, ReasonOutsideCommunity},
		{"red holder not entitled", tlpItem(TLPRed), "fin", "dave", "carol", false, ReasonHolderNotEntitled, ReasonRedNoFurtherDisclosure},
		// Bad input.
		{"unknown holder", tlpItem(TLPClear), "", "ghost", "alice", false, ReasonUnknownPerson, ""},
		{"unknown recipient", tlpItem(TLPClear), "", "alice", "ghost", false, ReasonUnknownPerson, ""},
		{"no label", tlpItem(0), "", "alice", "bob", false, ReasonInvalidLabel, ""},
		{"label out of range", tlpItem(TLPRed + 1), "", "alice", "bob", false, ReasonInvalidLabel, ""},
		{"nil item", nil, "", "alice", "bob", false, ReasonInvalidItem, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := Decide(dir, c.item, nil, c.community, c.holder, c.recipient)
			assert.Equal(t, c.allowed, d.Allowed, "decision %+v", d)
			assert.Equal(t, c.reason, d.Reason, "decision %+v", d)
			assert.Equal(t, c.cause, d.Cause, "decision %+v", d)
			assert.NotEmpty(t, d.Detail)
			if c.item != nil {
				assert.Equal(t, c.item.ID, d.Item)
				assert.Equal(t, c.item.Label, d.Label)
			}
			err := d.Err(c.holder, c.recipient)
			if c.allowed {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrRefused)
			var re *RefusedError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, c.reason, re.Reason)
			assert.Equal(t, c.holder, re.Holder)
			assert.Equal(t, c.recipient, re.Recipient)
		})
	}
}

func TestDecideNilDirectory(t *testing.T) {
	d := Decide(nil, tlpItem(TLPClear), nil, "", "alice", "bob")
	assert.False(t, d.Allowed)
	assert.Equal(t, ReasonInvalidItem, d.Reason)
	assert.False(t, DecideChannel(nil, tlpItem(TLPClear), nil, "", "alice", "pub").Allowed)
	assert.False(t, Entitled(nil, tlpItem(TLPClear), nil, "", "alice").Allowed)
	assert.False(t, Entitled(nil, nil, nil, "", "alice").Allowed)
}

// tlpCombined is a combined item of the bank, given to carol, combining a
// GREEN item of cloud (given to alice) and an AMBER item of the bank
// (given to carol).
func tlpCombined(t *testing.T) (*Item, []*Item) {
	t.Helper()
	p1 := &Item{ID: "p1", Label: TLPGreen, Source: "cloud", Author: "dave", Audience: []PersonID{"alice"}}
	p2 := &Item{ID: "p2", Label: TLPAmber, Source: "bank", Author: "bob", Audience: []PersonID{"carol"}}
	c, err := Combine("c", "bank", "alice", []PersonID{"carol", "ivan"}, p1, p2)
	require.NoError(t, err)
	return &c, []*Item{p1, p2}
}

func TestDecideCombined(t *testing.T) {
	dir := tlpDirectory(t)
	c, parts := tlpCombined(t)
	require.Equal(t, TLPAmber, c.Label)

	t.Run("source of the combination may not override a part's source", func(t *testing.T) {
		// ivan is a first recipient of c, but p1's source (cloud) gave it
		// to alice only, and under TLP:AMBER it does not reach isac.
		d := Decide(dir, c, parts, "fin", "alice", "ivan")
		assert.False(t, d.Allowed)
		assert.Equal(t, ReasonPartRefused, d.Reason)
		assert.Equal(t, ItemID("p1"), d.Part)
		assert.Equal(t, ReasonOutsideClients, d.Cause)
		assert.Contains(t, d.Detail, "part p1")
	})
	t.Run("every rule allows", func(t *testing.T) {
		d := Decide(dir, c, parts, "fin", "carol", "dave")
		assert.True(t, d.Allowed, "%+v", d)
		assert.Equal(t, ReasonSameOrganisation, d.Reason)
	})
	t.Run("part judged under the stricter combined label", func(t *testing.T) {
		// p1 alone is GREEN and reaches ivan through fin; combined it is
		// AMBER and does not.
		assert.True(t, Decide(dir, parts[0], nil, "fin", "alice", "ivan").Allowed)
		assert.False(t, Entitled(dir, c, parts, "fin", "ivan").Allowed)
	})
	t.Run("label looser than a part", func(t *testing.T) {
		loose := *c
		loose.Label = TLPGreen
		d := Decide(dir, &loose, parts, "fin", "alice", "carol")
		assert.False(t, d.Allowed)
		assert.Equal(t, ReasonHolderNotEntitled, d.Reason)
		assert.Equal(t, ReasonLabelLooserThanParts, d.Cause)
		assert.Equal(t, ItemID("p2"), d.Part)
		e := Entitled(dir, &loose, parts, "fin", "carol")
		assert.Equal(t, ReasonLabelLooserThanParts, e.Reason)
	})
	t.Run("stricter combined label is kept", func(t *testing.T) {
		strict := *c
		strict.Label = TLPRed
		d := Decide(dir, &strict, parts, "fin", "carol", "dave")
		assert.False(t, d.Allowed)
		assert.Equal(t, ReasonRedNoFurtherDisclosure, d.Reason)
	})
	t.Run("missing part", func(t *testing.T) {
		d := Decide(dir, c, parts[:1], "fin", "alice", "carol")
		assert.False(t, d.Allowed)
		assert.Equal(t, ReasonHolderNotEntitled, d.Reason)
		assert.Equal(t, ReasonUnknownPart, d.Cause)
		assert.Equal(t, ItemID("p2"), d.Part)
		e := Entitled(dir, c, nil, "fin", "alice")
		assert.Equal(t, ReasonUnknownPart, e.Reason)
	})
	t.Run("part with invalid label", func(t *testing.T) {
		bad := *parts[1]
		bad.Label = 0
		d := Entitled(dir, c, []*Item{parts[0], &bad}, "fin", "alice")
		assert.False(t, d.Allowed)
		assert.Equal(t, ReasonInvalidLabel, d.Cause)
	})
	t.Run("nested combination", func(t *testing.T) {
		outer, err := Combine("outer", "bank", "alice", []PersonID{"carol"}, c)
		require.NoError(t, err)
		all := append([]*Item{c}, parts...)
		assert.True(t, Decide(dir, &outer, all, "fin", "carol", "dave").Allowed)
		d := Decide(dir, &outer, all, "fin", "alice", "ivan")
		assert.False(t, d.Allowed)
		assert.Equal(t, ItemID("p1"), d.Part, "the deepest refusing part is named")
	})
	t.Run("cycle is refused, not followed", func(t *testing.T) {
		x := &Item{ID: "x", Label: TLPClear, Source: "bank", Author: "alice", Parts: []ItemID{"y"}}
		y := &Item{ID: "y", Label: TLPClear, Source: "bank", Author: "alice", Parts: []ItemID{"x"}}
		d := Decide(dir, x, []*Item{x, y}, "", "alice", "bob")
		assert.False(t, d.Allowed)
		assert.Equal(t, ReasonInvalidItem, d.Cause)
	})
	t.Run("parts ignored without Parts", func(t *testing.T) {
		assert.True(t, Decide(dir, tlpItem(TLPClear), []*Item{nil}, "", "olga", "mallory").Allowed)
	})
}

func TestCombine(t *testing.T) {
	a := &Item{ID: "a", Label: TLPGreen}
	b := &Item{ID: "b", Label: TLPAmberStrict}
	aud := []PersonID{"carol"}
	c, err := Combine("c", "bank", "alice", aud, a, b)
	require.NoError(t, err)
	assert.Equal(t, TLPAmberStrict, c.Label)
	assert.Equal(t, []ItemID{"a", "b"}, c.Parts)
	assert.Equal(t, OrgID("bank"), c.Source)
	assert.Equal(t, PersonID("alice"), c.Author)
	aud[0] = "changed"
	assert.Equal(t, []PersonID{"carol"}, c.Audience, "audience is copied")

	for name, parts := range map[string][]*Item{
		"no parts":      nil,
		"nil part":      {a, nil},
		"part no ID":    {{Label: TLPRed}},
		"part no label": {{ID: "z"}},
		"part twice":    {a, a},
	} {
		_, err := Combine("c", "bank", "alice", nil, parts...)
		assert.ErrorIs(t, err, ErrInvalid, name)
	}
	_, err = Combine("", "bank", "alice", nil, a)
	assert.ErrorIs(t, err, ErrInvalid)
}

func TestDecideChannel(t *testing.T) {
	dir := tlpDirectory(t)
	green := func(c CommunityID) *Item {
		it := tlpItem(TLPGreen)
		it.Community = c
		return it
	}
	cases := []struct {
		name    string
		item    *Item
		holder  PersonID
		channel CommunityID
		allowed bool
		reason  Reason
	}{
		{"clear to public", tlpItem(TLPClear), "olga", "pub", true, ReasonClear},
		{"clear to closed", tlpItem(TLPClear), "olga", "retail", true, ReasonClear},
		{"green to public", tlpItem(TLPGreen), "carol", "pub", false, ReasonPublicChannel},
		{"green to public even if its community", green("pub"), "alice", "pub", false, ReasonPublicChannel},
		{"green to its default community", tlpItem(TLPGreen), "carol", "fin", true, ReasonCommunity},
		{"green to its own community", green("retail"), "carol", "retail", true, ReasonCommunity},
		{"green to another community", tlpItem(TLPGreen), "carol", "retail", false, ReasonOutsideCommunity},
		{"green from source to another community", tlpItem(TLPGreen), "alice", "retail", false, ReasonOutsideCommunity},
		{"amber never", tlpItem(TLPAmber), "carol", "fin", false, ReasonNotForChannel},
		{"amber+strict never", tlpItem(TLPAmberStrict), "alice", "fin", false, ReasonNotForChannel},
		{"red never, even from source", tlpItem(TLPRed), "alice", "fin", false, ReasonNotForChannel},
		{"red to public", tlpItem(TLPRed), "alice", "pub", false, ReasonPublicChannel},
		{"holder not entitled", tlpItem(TLPGreen), "olga", "fin", false, ReasonHolderNotEntitled},
		{"unknown channel", tlpItem(TLPClear), "alice", "nowhere", false, ReasonUnknownChannel},
		{"unknown holder", tlpItem(TLPClear), "ghost", "pub", false, ReasonUnknownPerson},
		{"invalid label", tlpItem(0), "alice", "pub", false, ReasonInvalidLabel},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := DecideChannel(dir, c.item, nil, "fin", c.holder, c.channel)
			assert.Equal(t, c.allowed, d.Allowed, "%+v", d)
			assert.Equal(t, c.reason, d.Reason, "%+v", d)
			err := d.ChannelErr(c.holder, c.channel)
			if c.allowed {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrRefused)
			var re *RefusedError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, c.channel, re.Channel)
			assert.Contains(t, err.Error(), d.Detail)
		})
	}
	t.Run("combined green with a part of another community", func(t *testing.T) {
		p := green("retail")
		p.ID = "p"
		c, err := Combine("c", "bank", "alice", []PersonID{"carol"}, p, tlpItem(TLPClear))
		require.NoError(t, err)
		c.Community = "fin"
		d := DecideChannel(dir, &c, []*Item{p, tlpItem(TLPClear)}, "fin", "alice", "fin")
		assert.False(t, d.Allowed)
		assert.Equal(t, ReasonPartRefused, d.Reason)
		assert.Equal(t, ReasonOutsideCommunity, d.Cause)
		assert.Equal(t, ItemID("p"), d.Part)
	})
}

func TestEntitled(t *testing.T) {
	dir := tlpDirectory(t)
	for _, c := range []struct {
		label   Label
		person  PersonID
		allowed bool
		reason  Reason
	}{
		{TLPRed, "alice", true, ReasonSource},
		{TLPRed, "bob", true, ReasonSource},
		{TLPRed, "carol", true, ReasonAudience},
		{TLPRed, "dave", false, ReasonRedNoFurtherDisclosure},
		{TLPAmberStrict, "dave", true, ReasonSameOrganisation},
		{TLPAmberStrict, "erin", false, ReasonOutsideOrganisation},
		{TLPAmber, "erin", true, ReasonClient},
		{TLPAmber, "gina", false, ReasonOutsideClients},
		{TLPGreen, "ivan", true, ReasonCommunity},
		{TLPGreen, "olga", false, ReasonOutsideCommunity},
		{TLPClear, "olga", true, ReasonClear},
		{TLPClear, "ghost", false, ReasonUnknownPerson},
	} {
		d := Entitled(dir, tlpItem(c.label), nil, "fin", c.person)
		assert.Equal(t, c.allowed, d.Allowed, "%s %s: %+v", c.label, c.person, d)
		assert.Equal(t, c.reason, d.Reason, "%s %s", c.label, c.person)
		if !c.allowed {
			assert.Contains(t, d.Detail, string(c.person))
		}
	}
}

func TestRefusedError(t *testing.T) {
	dir := tlpDirectory(t)
	err := Decide(dir, tlpItem(TLPRed), nil, "", "carol", "dave").Err("carol", "dave")
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrRefused))
	assert.False(t, errors.Is(err, ErrInvalid))
	msg := err.Error()
	for _, want := range []string{"refused by TLP", "carol", "dave", "i1", "TLP:RED", string(ReasonRedNoFurtherDisclosure)} {
		assert.Contains(t, msg, want)
	}
	assert.NoError(t, Decision{Allowed: true}.Err("a", "b"))
	assert.NoError(t, Decision{Allowed: true}.ChannelErr("a", "c"))
	bare := &RefusedError{Item: "x", Label: TLPAmber, Holder: "a", Recipient: "b", Reason: ReasonOutsideClients}
	assert.Equal(t, "coordination: refused by TLP: item x (TLP:AMBER): a may not give it to b: "+string(ReasonOutsideClients), bare.Error())
	bare.Channel, bare.Recipient = "pub", ""
	assert.Contains(t, bare.Error(), "to channel pub")
}

func TestNewDirectoryInvalid(t *testing.T) {
	org := func(id OrgID) Organisation { return Organisation{ID: id} }
	cases := map[string]struct {
		orgs   []Organisation
		people []Person
		comms  []Community
		want   string
	}{
		"org no ID":         {[]Organisation{org("")}, nil, nil, "organisation 0"},
		"org twice":         {[]Organisation{org("a"), org("a")}, nil, nil, `"a" is listed twice`},
		"unknown client":    {[]Organisation{{ID: "a", Clients: []OrgID{"b"}}}, nil, nil, `client "b"`},
		"unknown community": {[]Organisation{{ID: "a", Communities: []CommunityID{"c"}}}, nil, nil, `community "c"`},
		"community no ID":   {nil, nil, []Community{{}}, "community 0"},
		"community twice":   {nil, nil, []Community{{ID: "c"}, {ID: "c"}}, `"c" is listed twice`},
		"person no ID":      {[]Organisation{org("a")}, []Person{{Org: "a"}}, nil, "person 0"},
		"person twice":      {[]Organisation{org("a")}, []Person{{ID: "p", Org: "a"}, {ID: "p", Org: "a"}}, nil, `"p" is listed twice`},
		"person no org":     {[]Organisation{org("a")}, []Person{{ID: "p"}}, nil, `person "p"`},
		"person other org":  {[]Organisation{org("a")}, []Person{{ID: "p", Org: "b"}}, nil, `organisation "b"`},
	}
	for name, c := range cases {
		_, err := NewDirectory(c.orgs, c.people, c.comms)
		require.ErrorIs(t, err, ErrInvalid, name)
		assert.Contains(t, err.Error(), c.want, name)
	}
}

func TestDirectoryAccessors(t *testing.T) {
	// A client may be listed before it is declared.
	orgs := []Organisation{{ID: "b", Clients: []OrgID{"a"}, Communities: []CommunityID{"c"}}, {ID: "a"}}
	d, err := NewDirectory(orgs, []Person{{ID: "q", Org: "b"}, {ID: "p", Org: "a"}}, []Community{{ID: "z"}, {ID: "c", Public: true}})
	require.NoError(t, err)

	orgs[0].Clients[0] = "changed"
	o, ok := d.Organisation("b")
	require.True(t, ok)
	assert.Equal(t, []OrgID{"a"}, o.Clients, "input is copied")
	o.Clients[0] = "changed"
	o2, _ := d.Organisation("b")
	assert.Equal(t, []OrgID{"a"}, o2.Clients, "output is a copy")

	assert.True(t, d.IsClient("b", "a"))
	assert.False(t, d.IsClient("a", "b"))
	assert.True(t, d.InCommunity("b", "c"))
	assert.False(t, d.InCommunity("a", "c"))
	p, ok := d.Person("p")
	assert.True(t, ok)
	assert.Equal(t, OrgID("a"), p.Org)
	_, ok = d.Person("x")
	assert.False(t, ok)
	c, ok := d.Community("c")
	assert.True(t, ok)
	assert.True(t, c.Public)
	_, ok = d.Organisation("x")
	assert.False(t, ok)

	assert.Equal(t, []OrgID{"a", "b"}, []OrgID{d.Organisations()[0].ID, d.Organisations()[1].ID})
	assert.Equal(t, []PersonID{"p", "q"}, []PersonID{d.People()[0].ID, d.People()[1].ID})
	assert.Equal(t, []CommunityID{"c", "z"}, []CommunityID{d.Communities()[0].ID, d.Communities()[1].ID})
	d.Organisations()[1].Clients[0] = "changed"
	assert.True(t, d.IsClient("b", "a"))

	var nilDir *Directory
	_, ok = nilDir.Person("p")
	assert.False(t, ok)
	_, ok = nilDir.Organisation("a")
	assert.False(t, ok)
	_, ok = nilDir.Community("c")
	assert.False(t, ok)
	assert.False(t, nilDir.IsClient("b", "a"))
	assert.False(t, nilDir.InCommunity("b", "c"))
	assert.Nil(t, nilDir.Organisations())
	assert.Nil(t, nilDir.People())
	assert.Nil(t, nilDir.Communities())

	empty, err := NewDirectory(nil, nil, nil)
	require.NoError(t, err)
	assert.Empty(t, empty.People())
}

func TestValidateItem(t *testing.T) {
	dir := tlpDirectory(t)
	require.NoError(t, ValidateItem(dir, tlpItem(TLPRed), nil))
	c, parts := tlpCombined(t)
	require.NoError(t, ValidateItem(dir, c, parts))

	cases := map[string]struct {
		mod  func(*Item)
		want string
	}{
		"no ID":                   {func(i *Item) { i.ID = "" }, "no ID"},
		"no label":                {func(i *Item) { i.Label = 0 }, "label 0"},
		"unknown source":          {func(i *Item) { i.Source = "nowhere" }, "source"},
		"unknown author":          {func(i *Item) { i.Author = "ghost" }, "author"},
		"author of another org":   {func(i *Item) { i.Author = "carol" }, "not of the source"},
		"unknown first recipient": {func(i *Item) { i.Audience = []PersonID{"ghost"} }, "first recipient"},
		"unknown community":       {func(i *Item) { i.Community = "nowhere" }, "community"},
		"permission names no one": {func(i *Item) { i.Permissions = []Permission{{By: "alice"}} }, "names no one"},
		"permission unknown person": {func(i *Item) {
			i.Permissions = []Permission{{Person: "ghost", By: "alice"}}
		}, `person "ghost"`},
		"permission unknown org": {func(i *Item) {
			i.Permissions = []Permission{{Org: "nowhere", By: "alice"}}
		}, `organisation "nowhere"`},
		"permission not by source": {func(i *Item) {
			i.Permissions = []Permission{{Person: "dave", By: "carol"}}
		}, "only the source may widen"},
		"red permission to org": {func(i *Item) {
			i.Permissions = []Permission{{Org: "cloud", By: "alice"}}
		}, "TLP:RED permission names persons"},
		"missing part":      {func(i *Item) { i.Parts = []ItemID{"nope"} }, "not supplied"},
		"looser than parts": {func(i *Item) { i.Label = TLPRed; i.Parts = []ItemID{"p1"} }, ""},
	}
	for name, cs := range cases {
		it := tlpItem(TLPRed)
		cs.mod(it)
		err := ValidateItem(dir, it, parts)
		if name == "looser than parts" {
			assert.NoError(t, err, "a stricter label is fine")
			continue
		}
		require.ErrorIs(t, err, ErrInvalid, name)
		assert.Contains(t, err.Error(), cs.want, name)
	}
	loose := *c
	loose.Label = TLPGreen
	assert.ErrorContains(t, ValidateItem(dir, &loose, parts), "looser than part p2")
	bad := *parts[0]
	bad.Label = 0
	assert.ErrorContains(t, ValidateItem(dir, c, []*Item{&bad, parts[1]}), "part p1 has no valid label")
	assert.ErrorIs(t, ValidateItem(nil, c, parts), ErrInvalid)
	assert.ErrorIs(t, ValidateItem(dir, nil, parts), ErrInvalid)
}

func TestDecideAllowedPathDoesNotAllocate(t *testing.T) {
	dir := tlpDirectory(t)
	c, parts := tlpCombined(t)
	for _, l := range Labels() {
		it := tlpItem(l)
		it.Audience = []PersonID{"carol", "erin", "ivan"}
		it.Permissions = []Permission{{Person: "dave", By: "bob"}}
		allocs := testing.AllocsPerRun(50, func() {
			if !Decide(dir, it, nil, "fin", "carol", "dave").Allowed {
				t.Fatal("refused")
			}
		})
		assert.Zero(t, allocs, "%s", l)
	}
	green := tlpItem(TLPGreen)
	allocs := testing.AllocsPerRun(50, func() {
		if !Decide(dir, c, parts, "fin", "carol", "dave").Allowed {
			t.Fatal("refused")
		}
		if !DecideChannel(dir, green, nil, "fin", "carol", "fin").Allowed {
			t.Fatal("refused")
		}
	})
	assert.Zero(t, allocs, "combined and channel")
}

// BenchmarkDecide measures an allowed decision per label: a non-source
// holder (carol) giving to dave, the usual case of a forward.
func BenchmarkDecide(b *testing.B) {
	dir := tlpDirectory(b)
	for _, l := range Labels() {
		it := tlpItem(l)
		it.Audience = []PersonID{"carol", "erin", "ivan"}
		it.Permissions = []Permission{{Person: "dave", By: "bob"}}
		b.Run(strings.TrimPrefix(l.String(), "TLP:"), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !Decide(dir, it, nil, "fin", "carol", "dave").Allowed {
					b.Fatal("refused")
				}
			}
		})
	}
	b.Run("Refused", func(b *testing.B) {
		it := tlpItem(TLPRed)
		b.ReportAllocs()
		for b.Loop() {
			if Decide(dir, it, nil, "fin", "carol", "dave").Allowed {
				b.Fatal("allowed")
			}
		}
	})
}

func TestRecordSourceShare(t *testing.T) {
	dir := tlpDirectory(t)
	c, parts := tlpCombined(t)
	outer, err := Combine("outer", "cloud", "dave", nil, c)
	require.NoError(t, err)
	all := append([]*Item{c}, parts...)
	// dave acts for cloud, the source of outer and of p1 (inside c), not
	// of c or p2.
	assert.Equal(t, []ItemID{"outer", "p1"}, RecordSourceShare(dir, &outer, all, "dave", "ivan"))
	assert.Contains(t, parts[0].Audience, PersonID("ivan"))
	assert.NotContains(t, c.Audience, PersonID("olga"))
	assert.Empty(t, RecordSourceShare(dir, &outer, all, "dave", "ivan"), "recorded once")
	assert.Empty(t, RecordSourceShare(dir, &outer, all, "dave", "carol"), "the source's own people are not recorded")
	assert.Empty(t, RecordSourceShare(dir, &outer, all, "ghost", "ivan"))
	assert.Empty(t, RecordSourceShare(dir, &outer, all, "dave", "ghost"))
	assert.Empty(t, RecordSourceShare(dir, nil, all, "dave", "ivan"))
	x := &Item{ID: "x", Label: TLPRed, Source: "bank", Parts: []ItemID{"y"}}
	y := &Item{ID: "y", Label: TLPRed, Source: "bank", Parts: []ItemID{"x", "missing"}}
	assert.Equal(t, []ItemID{"x", "y"}, RecordSourceShare(dir, x, []*Item{x, y}, "alice", "olga"), "a cycle ends")
}

func TestAllowedDetail(t *testing.T) {
	for _, r := range []Reason{ReasonSource, ReasonClear, ReasonAudience, ReasonPermission, ReasonSameOrganisation, ReasonClient, ReasonCommunity} {
		assert.NotEqual(t, string(r), allowedDetail(r))
	}
	assert.Equal(t, "other", allowedDetail("other"))
}
