package coordination_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/coordination"
	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/store/memory"
)

var t0 = time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)

// campaignDirectory: a national CSIRT coordinating a bank and its cloud
// provider; the bank is the provider's client; an ISAC community; a
// public list.
func campaignDirectory(t testing.TB) *coordination.Directory {
	t.Helper()
	d, err := coordination.NewDirectory(
		[]coordination.Organisation{
			{ID: "csirt", Name: "National CSIRT", Communities: []coordination.CommunityID{"fin-isac"}},
			{ID: "bank", Name: "Example Bank", Communities: []coordination.CommunityID{"fin-isac"}},
			{ID: "cloud", Name: "Example Cloud", Clients: []coordination.OrgID{"bank", "shop"}},
			{ID: "shop", Name: "Example Shop"},
			{ID: "insurer", Name: "Example Insurance", Communities: []coordination.CommunityID{"fin-isac"}},
		},
		[]coordination.Person{
			{ID: "carol", Name: "Carol", Org: "csirt"},
			{ID: "cyril", Name: "Cyril", Org: "csirt"},
			{ID: "bob", Name: "Bob", Org: "bank"},
			{ID: "bea", Name: "Bea", Org: "bank"},
			{ID: "chris", Name: "Chris", Org: "cloud"},
			{ID: "sam", Name: "Sam", Org: "shop"},
			{ID: "ines", Name: "Ines", Org: "insurer"},
		},
		[]coordination.Community{{ID: "fin-isac", Name: "Financial ISAC"}, {ID: "public", Name: "Public list", Public: true}},
	)
	require.NoError(t, err)
	return d
}

// campaign opens a case with the bank (joined) and the provider (invited).
func campaign(t testing.TB, dir *coordination.Directory) *coordination.Case {
	t.Helper()
	c, err := coordination.NewCase(dir, "CASE-7", "Phishing campaign against bank customers", "csirt", "fin-isac", "carol", t0)
	require.NoError(t, err)
	inv, err := c.Invite(dir, "carol", "bank", coordination.RoleAffected, "bob", t0.Add(4*time.Hour), t0)
	require.NoError(t, err)
	require.NoError(t, c.Acknowledge(dir, "bob", inv.ID, t0.Add(time.Hour)))
	_, err = c.Invite(dir, "carol", "cloud", coordination.RoleServiceProvider, "chris", t0.Add(4*time.Hour), t0)
	require.NoError(t, err)
	return c
}

func TestCaseParticipants(t *testing.T) {
	dir := campaignDirectory(t)
	c := campaign(t, dir)
	assert.Equal(t, coordination.StatusAcknowledged, c.Participant("bank").Status)
	assert.Equal(t, coordination.StatusInvited, c.Participant("cloud").Status)

	_, err := c.Invite(dir, "bob", "shop", coordination.RoleAffected, "sam", time.Time{}, t0)
	require.ErrorIs(t, err, coordination.ErrNotCoordinator)
	_, err = c.Invite(dir, "carol", "shop", coordination.RoleAffected, "bob", time.Time{}, t0)
	require.ErrorIs(t, err, coordination.ErrInvalid, "the contact must belong to the invitee")
	_, err = c.Invite(dir, "carol", "bank", coordination.RoleAffected, "bob", time.Time{}, t0)
	require.ErrorIs(t, err, coordination.ErrInvalid, "already in")
	_, err = c.Invite(dir, "nobody", "shop", coordination.RoleAffected, "sam", time.Time{}, t0)
	require.ErrorIs(t, err, coordination.ErrUnknown)
	require.ErrorIs(t, c.SetStatus(dir, "sam", coordination.StatusContained, "", "", t0), coordination.ErrNotParticipant)

	require.NoError(t, c.SetStatus(dir, "bob", coordination.StatusInvestigating, "INC-2026-0042", "", t0.Add(2*time.Hour)))
	require.NoError(t, c.SetStatus(dir, "bob", coordination.StatusContained, "", "", t0.Add(3*time.Hour)))
	require.ErrorIs(t, c.SetStatus(dir, "bob", coordination.StatusAcknowledged, "", "", t0.Add(3*time.Hour)), coordination.ErrInvalid)
	require.NoError(t, c.SetStatus(dir, "bob", coordination.StatusInvestigating, "", "flared up", t0.Add(4*time.Hour)), "back to investigating is allowed")
	assert.Equal(t, "INC-2026-0042", c.Participant("bank").LocalRef)

	require.ErrorIs(t, c.Leave(dir, "chris", "", t0), coordination.ErrInvalid, "leaving needs a reason")
	require.NoError(t, c.Leave(dir, "chris", "not our infrastructure", t0.Add(5*time.Hour)))
	require.ErrorIs(t, c.Leave(dir, "carol", "bored", t0), coordination.ErrInvalid, "the coordinator stays")
	hist := c.Participant("cloud").History
	require.Len(t, hist, 2)
	assert.Equal(t, coordination.StatusLeft, hist[1].Status)
	assert.Equal(t, "not our infrastructure", hist[1].Note)
	require.NoError(t, c.Validate())
}

func TestShareForwardAndRefusal(t *testing.T) {
	dir := campaignDirectory(t)
	c := campaign(t, dir)
	require.NoError(t, c.SetStatus(dir, "chris", coordination.StatusInvestigating, "", "", t0))
	_, err := c.Share(dir, "bob", coordination.Item{ID: "victims", Kind: coordination.KindNote, Label: coordination.TLPRed, Title: "Affected customers"}, []coordination.PersonID{"carol"}, t0.Add(time.Hour))
	require.NoError(t, err)
	_, err = c.Share(dir, "bob", coordination.Item{ID: "kit", Kind: coordination.KindNote, Label: coordination.TLPAmber, Title: "Phishing kit analysis"}, []coordination.PersonID{"chris"}, t0.Add(time.Hour))
	require.NoError(t, err)
	assert.True(t, c.Holds("carol", "victims"))

	// RED: the CSIRT may not pass the victim list to a colleague.
	err = c.Forward(dir, "carol", "victims", "cyril", t0.Add(2*time.Hour))
	require.ErrorIs(t, err, coordination.ErrRefused)
	var re *coordination.RefusedError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, coordination.TLPRed, re.Label)
	last := c.Log[len(c.Log)-1]
	assert.Equal(t, coordination.MessageRefused, last.Kind, "the refusal is an audit record")
	assert.Equal(t, coordination.Sent, last.Direction)
	assert.False(t, c.Holds("cyril", "victims"))

	// The source permits it explicitly; then the forward passes.
	require.ErrorIs(t, c.Permit(dir, "carol", "victims", coordination.Permission{Person: "cyril"}, t0), coordination.ErrRefused, "only the source permits")
	require.NoError(t, c.Permit(dir, "bea", "victims", coordination.Permission{Person: "cyril", Reason: "on call"}, t0.Add(2*time.Hour)))
	require.NoError(t, c.Forward(dir, "carol", "victims", "cyril", t0.Add(3*time.Hour)))
	assert.True(t, c.Holds("cyril", "victims"))

	// AMBER from the bank to the provider: the provider may pass it to
	// its client the shop? The reach is the first recipients' clients.
	require.NoError(t, c.Forward(dir, "chris", "kit", "sam", t0.Add(3*time.Hour)))
	require.ErrorIs(t, c.Forward(dir, "chris", "kit", "ines", t0.Add(3*time.Hour)), coordination.ErrRefused)
	require.ErrorIs(t, c.Forward(dir, "cyril", "kit", "bob", t0), coordination.ErrInvalid, "a person who does not hold an item cannot forward it")
	require.NoError(t, c.Validate())
}

func TestCombinedItemKeepsStrictestLabel(t *testing.T) {
	dir := campaignDirectory(t)
	c := campaign(t, dir)
	_, err := c.Share(dir, "bob", coordination.Item{ID: "a", Kind: coordination.KindNote, Label: coordination.TLPAmberStrict, Title: "internal"}, []coordination.PersonID{"carol"}, t0)
	require.NoError(t, err)
	_, err = c.Broadcast(dir, "carol", "b", coordination.TLPGreen, "sector warning", t0)
	require.NoError(t, err)
	_, err = c.Share(dir, "carol", coordination.Item{ID: "ab", Kind: coordination.KindNote, Label: coordination.TLPGreen, Title: "digest", Parts: []coordination.ItemID{"a", "b"}}, nil, t0)
	require.ErrorIs(t, err, coordination.ErrInvalid, "a digest of an AMBER+STRICT item cannot be GREEN")
	_, err = c.Share(dir, "carol", coordination.Item{ID: "ab", Kind: coordination.KindNote, Label: coordination.TLPAmberStrict, Title: "digest", Parts: []coordination.ItemID{"a", "b"}}, []coordination.PersonID{"chris"}, t0)
	require.ErrorIs(t, err, coordination.ErrRefused, "the bank's AMBER+STRICT part may not reach the provider")
	_, err = c.Share(dir, "carol", coordination.Item{ID: "ab", Kind: coordination.KindNote, Label: coordination.TLPAmberStrict, Title: "digest", Parts: []coordination.ItemID{"a", "b"}}, []coordination.PersonID{"cyril"}, t0)
	require.NoError(t, err)
	err = c.Forward(dir, "cyril", "ab", "chris", t0)
	require.ErrorIs(t, err, coordination.ErrRefused, "the CSIRT chooses the digest's recipients, but the bank's part stays in the bank and the CSIRT")
	var re *coordination.RefusedError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, coordination.ReasonPartRefused, re.Reason)
	require.NoError(t, c.Forward(dir, "cyril", "ab", "bea", t0), "the bank is within both parts' reach")
}

func TestStatementAndClose(t *testing.T) {
	dir := campaignDirectory(t)
	c := campaign(t, dir)
	require.ErrorIs(t, c.ProposeStatement(dir, "bob", "text", nil, t0), coordination.ErrNotCoordinator)
	require.NoError(t, c.ProposeStatement(dir, "carol", "Customers of Example Bank are targeted by phishing.", []coordination.OrgID{"bank"}, t0.Add(time.Hour)))
	assert.Nil(t, c.Item("CASE-7-statement"), "not public before the bank agrees")
	require.ErrorIs(t, c.AgreeStatement(dir, "chris", t0), coordination.ErrInvalid, "the provider is not asked")
	require.NoError(t, c.AgreeStatement(dir, "bea", t0.Add(2*time.Hour)))
	st := c.Item("CASE-7-statement")
	require.NotNil(t, st)
	assert.Equal(t, coordination.TLPClear, st.Label)
	assert.Equal(t, t0.Add(2*time.Hour), c.Statement.Final)
	assert.False(t, c.Holds("chris", st.ID), "the provider was only invited: it receives nothing until it answers")
	assert.True(t, c.Holds("bob", st.ID))

	err := c.Close(dir, "carol", "", t0.Add(3*time.Hour))
	require.ErrorIs(t, err, coordination.ErrOpenParticipants)
	assert.Contains(t, err.Error(), "bank (acknowledged)")
	require.NoError(t, c.SetStatus(dir, "bob", coordination.StatusClosed, "", "", t0.Add(3*time.Hour)))
	require.NoError(t, c.Leave(dir, "chris", "handled by its own CERT", t0.Add(3*time.Hour)))
	require.NoError(t, c.Close(dir, "carol", "", t0.Add(4*time.Hour)))
	assert.Equal(t, coordination.CaseClosed, c.Status)
	require.ErrorIs(t, c.SetStatus(dir, "bob", coordination.StatusInvestigating, "", "", t0), coordination.ErrClosed)

	c2 := campaign(t, dir)
	require.NoError(t, c2.Close(dir, "carol", "provider unreachable", t0.Add(time.Hour)))
	assert.Contains(t, c2.CloseReason, "cloud (invited)", "the open participants are recorded")
}

func TestOverdueAndObligations(t *testing.T) {
	dir := campaignDirectory(t)
	c := campaign(t, dir)
	// The provider never acknowledged its invitation (due t0+4h).
	assert.Empty(t, c.Overdue(t0.Add(4*time.Hour)), "due is not overdue")
	od := c.Overdue(t0.Add(4*time.Hour + time.Second))
	require.Len(t, od, 1)
	assert.Equal(t, coordination.OrgID("cloud"), od[0].Org)
	assert.Equal(t, coordination.MessageInvite, od[0].Kind)

	req, err := c.Request(dir, "carol", []coordination.OrgID{"bank", "cloud"}, "Send the phishing e-mail headers", t0.Add(6*time.Hour), t0.Add(2*time.Hour))
	require.NoError(t, err)
	_, err = c.Respond(dir, "bea", req.ID, "Attached to item hdr", t0.Add(5*time.Hour))
	require.NoError(t, err)
	od = c.Overdue(t0.Add(7 * time.Hour))
	require.Len(t, od, 2, "the provider owes the acknowledgement and the headers; the bank answered")
	for _, o := range od {
		assert.Equal(t, coordination.OrgID("cloud"), o.Org)
	}
	require.NoError(t, c.Leave(dir, "chris", "out of scope", t0.Add(8*time.Hour)))
	assert.Empty(t, c.Overdue(t0.Add(9*time.Hour)), "a participant that left owes nothing")

	obs := c.Obligations("bank")
	require.Len(t, obs, 2, "the invitation and the request")
	assert.Equal(t, "coordination/CASE-7/"+req.ID, obs[1].ID)
	assert.Equal(t, t0.Add(5*time.Hour), obs[1].SubmittedAt)
	assert.Equal(t, coordination.RegimeCoordination, obs[1].Regime)
}

// TestDeadlinesFeedTheEngine: a request to the bank arrives in the case;
// the bank's engine, with Deadlines as its obligation source, arms the
// report timers for it and fires the overdue one.
func TestDeadlinesFeedTheEngine(t *testing.T) {
	ctx := context.Background()
	dir := campaignDirectory(t)
	st := memory.New()
	now := t0
	rules := lifecycle.DefaultRules()
	rules.RequireConfirmation = false
	eng, err := lifecycle.New(st, "bank-tenant", lifecycle.WithRules(rules),
		lifecycle.WithClock(incident.ClockFunc(func() time.Time { return now })),
		lifecycle.WithObligationSource(coordination.Deadlines{Store: coordination.Store{St: st, Tenant: "bank-tenant"}, Org: "bank"}))
	require.NoError(t, err)
	im := lifecycle.Actor{ID: "bob", Roles: []incident.Role{incident.RoleIncidentManager, incident.RolePointOfContact}}
	ev, err := eng.Factory().NewEvent(ctx, "bank-tenant", "Customers report phishing mails", "bob")
	require.NoError(t, err)
	require.NoError(t, eng.Create(ctx, im, ev))
	_, err = eng.Transition(ctx, im, lifecycle.KeyOf(ev), lifecycle.ActionAcknowledge)
	require.NoError(t, err)
	res, err := eng.Assess(ctx, im, lifecycle.KeyOf(ev), incident.Assessment{Step: incident.AssessmentFirst,
		Outcome: incident.OutcomeIncident, Severity: incident.SeverityMedium})
	require.NoError(t, err)
	inc := res.Declared

	// The bank keeps its own copy of the case (Self = bank).
	c, err := coordination.NewCase(dir, "CASE-7", "Phishing campaign", "bank", "fin-isac", "carol", t0)
	require.NoError(t, err)
	inv, err := c.Invite(dir, "carol", "bank", coordination.RoleAffected, "bob", time.Time{}, t0)
	require.NoError(t, err)
	require.NoError(t, c.Acknowledge(dir, "bob", inv.ID, t0))
	require.NoError(t, c.Link("bank", inc))
	req, err := c.Request(dir, "carol", []coordination.OrgID{"bank"}, "Confirm containment", t0.Add(8*time.Hour), t0.Add(time.Hour))
	require.NoError(t, err)
	cs := coordination.Store{St: st, Tenant: "bank-tenant"}
	require.NoError(t, cs.Put(ctx, 0, c))
	assert.Equal(t, coordination.Received, c.Message(req.ID).Direction)

	now = t0.Add(time.Hour)
	rec, err := eng.Apply(ctx, im, lifecycle.KeyOf(inc), lifecycle.RefreshObligations{Reason: "request " + req.ID + " in case CASE-7"})
	require.NoError(t, err)
	declared, ok := rec.(*incident.Incident)
	require.True(t, ok)
	obs := declared.Obligations
	require.Len(t, obs, 1)
	assert.Equal(t, t0.Add(8*time.Hour), obs[0].Due)

	fired, err := eng.Tick(ctx, t0.Add(9*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 2, fired.Fired, "due soon and overdue")
}

// TestCaseForwardingProperty: random forwarding through Case.Forward
// never leaves a holder the label excludes (Entitled), and every refusal
// is logged.
func TestCaseForwardingProperty(t *testing.T) {
	dir := campaignDirectory(t)
	people := []coordination.PersonID{"carol", "cyril", "bob", "bea", "chris", "sam", "ines"}
	rng := rand.New(rand.NewPCG(7, 27035))
	for round := range 50 {
		c := campaign(t, dir)
		require.NoError(t, c.SetStatus(dir, "chris", coordination.StatusInvestigating, "", "", t0))
		for i, l := range coordination.Labels() {
			author := []coordination.PersonID{"carol", "bob", "chris"}[rng.IntN(3)]
			id := coordination.ItemID(rune('a' + i))
			_, err := c.Share(dir, author, coordination.Item{ID: id, Kind: coordination.KindNote, Label: l, Title: "x"},
				[]coordination.PersonID{people[rng.IntN(len(people))]}, t0)
			require.NoError(t, err)
		}
		refused := 0
		for range 200 {
			it := c.Items[rng.IntN(len(c.Items))]
			var holders []coordination.PersonID
			for _, h := range c.Holdings {
				if h.Item == it.ID {
					holders = append(holders, h.Person)
				}
			}
			err := c.Forward(dir, holders[rng.IntN(len(holders))], it.ID, people[rng.IntN(len(people))], t0)
			if errors.Is(err, coordination.ErrRefused) {
				refused++
				continue
			}
			if errors.Is(err, coordination.ErrNotParticipant) {
				continue // a holder outside the case shares outside it
			}
			require.NoError(t, err)
		}
		for _, h := range c.Holdings {
			it := c.Item(h.Item)
			assert.True(t, coordination.Entitled(dir, it, nil, c.Community, h.Person).Allowed, "round %d: %s holds %s (%s)", round, h.Person, it.ID, it.Label)
		}
		logged := 0
		for _, m := range c.Log {
			if m.Kind == coordination.MessageRefused {
				logged++
			}
		}
		assert.Equal(t, refused, logged)
		for _, p := range people {
			v, err := c.View(dir, p)
			if errors.Is(err, coordination.ErrNotParticipant) {
				continue
			}
			require.NoError(t, err)
			for _, it := range v.Items {
				assert.True(t, c.Holds(p, it.ID))
			}
		}
	}
}

func TestView(t *testing.T) {
	dir := campaignDirectory(t)
	c := campaign(t, dir)
	require.NoError(t, c.SetStatus(dir, "chris", coordination.StatusInvestigating, "", "", t0))
	_, err := c.Share(dir, "bob", coordination.Item{ID: "victims", Kind: coordination.KindNote, Label: coordination.TLPRed, Title: "Affected customers"}, []coordination.PersonID{"carol"}, t0)
	require.NoError(t, err)
	_, err = c.Broadcast(dir, "carol", "warn", coordination.TLPGreen, "campaign ongoing", t0)
	require.NoError(t, err)
	require.NoError(t, c.SetStatus(dir, "bob", coordination.StatusInvestigating, "INC-2026-0042", "", t0))

	chris, err := c.View(dir, "chris")
	require.NoError(t, err)
	require.Len(t, chris.Items, 1)
	assert.Equal(t, coordination.ItemID("warn"), chris.Items[0].ID)
	assert.Empty(t, chris.Participant("bank").LocalRef, "other participants' references are theirs")
	assert.Equal(t, coordination.OrgID("cloud"), chris.Self)
	for _, m := range chris.Log {
		for _, r := range m.To {
			if m.FromOrg != "cloud" {
				assert.Equal(t, coordination.OrgID("cloud"), r.Org, "chris sees no other addressees")
			}
		}
	}
	carol, err := c.View(dir, "carol")
	require.NoError(t, err)
	assert.Len(t, carol.Items, 2)
	assert.Equal(t, "INC-2026-0042", carol.Participant("bank").LocalRef)
	_, err = c.View(dir, "sam")
	require.ErrorIs(t, err, coordination.ErrNotParticipant)

	chris.Items[0].Title = "changed"
	assert.NotEqual(t, "changed", c.Item("warn").Title, "a view shares nothing with the case")
}

func TestExportViewLeavesOutWhatTheViewerMayNotSee(t *testing.T) {
	dir := campaignDirectory(t)
	c := campaign(t, dir)
	require.NoError(t, c.SetStatus(dir, "chris", coordination.StatusInvestigating, "", "", t0))
	_, err := c.Share(dir, "bob", coordination.Item{ID: "victims", Kind: coordination.KindNote, Label: coordination.TLPRed, Title: "RED-SECRET"}, []coordination.PersonID{"carol"}, t0)
	require.NoError(t, err)
	_, err = c.Broadcast(dir, "carol", "warn", coordination.TLPGreen, "GREEN-WARNING", t0)
	require.NoError(t, err)
	b, err := c.ExportView(dir, "chris", coordination.ExportOptions{})
	require.NoError(t, err)
	assert.Contains(t, string(b), "GREEN-WARNING")
	assert.NotContains(t, string(b), "RED-SECRET")
	assert.NotContains(t, string(b), coordination.MarkingID(coordination.TLPRed))
	_, err = c.ExportView(dir, "sam", coordination.ExportOptions{})
	require.ErrorIs(t, err, coordination.ErrNotParticipant)
}
