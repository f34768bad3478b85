package coordination_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/coordination"
	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/store/memory"
)

// These tests pin what a review of the package found: each scenario once
// leaked or lost something.

func TestReceivedItemsKeepTheirSource(t *testing.T) {
	dir := campaignDirectory(t)
	c := campaign(t, dir)
	partner := coordination.Item{ID: "indicator--1", Kind: coordination.KindNote, Label: coordination.TLPRed, Title: "Partner's victim list",
		Origin: json.RawMessage(`{"type":"note","id":"note--1"}`)}
	_, err := c.Share(dir, "bob", partner, []coordination.PersonID{"bea"}, t0)
	require.ErrorIs(t, err, coordination.ErrInvalid, "sharing a partner's object would make the sharer its source")

	_, err = c.Receive(dir, "ines", "bob", partner, t0)
	require.NoError(t, err, "the insurer need not take part to send")
	it := c.Item("indicator--1")
	assert.Equal(t, coordination.OrgID("insurer"), it.Source)
	assert.Equal(t, []coordination.PersonID{"bob"}, it.Audience)
	require.ErrorIs(t, c.Forward(dir, "bob", "indicator--1", "sam", t0), coordination.ErrRefused, "TLP:RED from the partner goes no further")
	require.ErrorIs(t, c.Forward(dir, "bob", "indicator--1", "bea", t0), coordination.ErrRefused, "not even to a colleague")
	_, err = c.Receive(dir, "ines", "chris", coordination.Item{ID: "x", Kind: coordination.KindNote, Label: coordination.TLPGreen, Title: "t"}, t0)
	require.ErrorIs(t, err, coordination.ErrNotParticipant, "the provider has not joined yet")
}

func TestViewHidesOthersNotes(t *testing.T) {
	dir := campaignDirectory(t)
	c := campaign(t, dir)
	require.NoError(t, c.SetStatus(dir, "bob", coordination.StatusContained, "", "4k customer credentials stolen", t0))
	require.NoError(t, c.SetStatus(dir, "chris", coordination.StatusInvestigating, "", "", t0))
	v, err := c.View(dir, "chris")
	require.NoError(t, err)
	for _, h := range v.Participant("bank").History {
		assert.Empty(t, h.Note)
		assert.Empty(t, h.By)
	}
	assert.Equal(t, coordination.StatusContained, v.Participant("bank").Status, "where others stand stays visible")
	mine, err := c.View(dir, "bea")
	require.NoError(t, err)
	assert.Equal(t, "4k customer credentials stolen", mine.Participant("bank").History[len(mine.Participant("bank").History)-1].Note)
}

func TestStatementDraftAndCollisions(t *testing.T) {
	dir := campaignDirectory(t)
	c := campaign(t, dir)
	_, err := c.Share(dir, "bob", coordination.Item{ID: "CASE-7-statement", Kind: coordination.KindNote, Label: coordination.TLPRed, Title: "same ID"}, []coordination.PersonID{"carol"}, t0)
	require.NoError(t, err)
	require.NoError(t, c.Leave(dir, "chris", "out of scope", t0))
	require.ErrorIs(t, c.ProposeStatement(dir, "carol", "text", []coordination.OrgID{"cloud"}, t0), coordination.ErrNotParticipant, "an organisation that left cannot agree")
	require.NoError(t, c.ProposeStatement(dir, "carol", "embargoed draft", []coordination.OrgID{"bank"}, t0))
	assert.Equal(t, coordination.TLPAmberStrict, c.Log[len(c.Log)-1].Label, "a draft is not public")
	require.NoError(t, c.AgreeStatement(dir, "bob", t0.Add(time.Hour)))
	assert.Equal(t, coordination.ItemID("CASE-7-statement-2"), c.Statement.Item)
	assert.Equal(t, coordination.TLPClear, c.Item(c.Statement.Item).Label)
	assert.Equal(t, coordination.TLPRed, c.Item("CASE-7-statement").Label, "the bank's item is untouched")
}

func TestDeadlinesAfterRepeatsLeavingAndClosing(t *testing.T) {
	dir := campaignDirectory(t)
	c := campaign(t, dir)
	// A repeated addressee owes one answer.
	req, err := c.Request(dir, "carol", []coordination.OrgID{"bank", "bank"}, "headers", t0.Add(time.Hour), t0)
	require.NoError(t, err)
	require.Len(t, req.To, 1)
	_, err = c.Respond(dir, "bob", req.ID, "sent", t0.Add(30*time.Minute))
	require.NoError(t, err)
	assert.Empty(t, c.Overdue(t0.Add(2*time.Hour)), "the bank answered once for both entries")

	// An invited organisation must join before it requests or shares.
	_, err = c.Request(dir, "chris", []coordination.OrgID{"bank"}, "x", t0.Add(time.Hour), t0)
	require.ErrorIs(t, err, coordination.ErrNotParticipant)
	_, err = c.Share(dir, "chris", coordination.Item{ID: "n", Kind: coordination.KindNote, Label: coordination.TLPGreen, Title: "n"}, nil, t0)
	require.ErrorIs(t, err, coordination.ErrNotParticipant)
	// Working on the case answers the invitation.
	require.NoError(t, c.SetStatus(dir, "chris", coordination.StatusInvestigating, "ABUSE-1", "", t0.Add(3*time.Hour)))
	assert.Empty(t, c.Overdue(t0.Add(5*time.Hour)))

	// Leaving withdraws what was owed; rejoining keeps the local record.
	req2, err := c.Request(dir, "carol", []coordination.OrgID{"cloud"}, "take-down status", t0.Add(6*time.Hour), t0.Add(4*time.Hour))
	require.NoError(t, err)
	require.NoError(t, c.Leave(dir, "chris", "handed to its CERT", t0.Add(5*time.Hour)))
	_, err = c.Invite(dir, "carol", "cloud", coordination.RoleServiceProvider, "chris", time.Time{}, t0.Add(7*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, "ABUSE-1", c.Participant("cloud").LocalRef)
	assert.Empty(t, c.Overdue(t0.Add(8*time.Hour)), "the withdrawn request is not overdue after rejoining")
	obs := c.Obligations("cloud")
	require.NotEmpty(t, obs)
	last := obs[len(obs)-1]
	assert.Equal(t, "coordination/CASE-7/"+req2.ID, last.ID)
	assert.Equal(t, "cloud left case CASE-7", last.Waived)

	// Closing withdraws the rest.
	req3, err := c.Request(dir, "carol", []coordination.OrgID{"bank"}, "final figures", t0.Add(9*time.Hour), t0.Add(8*time.Hour))
	require.NoError(t, err)
	require.NoError(t, c.Close(dir, "carol", "campaign over", t0.Add(8*time.Hour)))
	assert.Empty(t, c.Overdue(t0.Add(100*time.Hour)))
	for _, o := range c.Obligations("bank") {
		if o.ID == "coordination/CASE-7/"+req3.ID {
			assert.Equal(t, "case CASE-7 closed", o.Waived)
		}
	}
}

func TestCombinedOwnRedPartReachesTheRecipient(t *testing.T) {
	dir := campaignDirectory(t)
	c := campaign(t, dir)
	_, err := c.Share(dir, "carol", coordination.Item{ID: "red", Kind: coordination.KindNote, Label: coordination.TLPRed, Title: "sinkhole data"}, nil, t0)
	require.NoError(t, err)
	_, err = c.Share(dir, "carol", coordination.Item{ID: "digest", Kind: coordination.KindNote, Label: coordination.TLPRed, Title: "digest", Parts: []coordination.ItemID{"red"}}, []coordination.PersonID{"bob"}, t0)
	require.NoError(t, err)
	v, err := c.View(dir, "bob")
	require.NoError(t, err)
	assert.NotNil(t, v.Item("digest"), "the source chose bob for the digest and so for its own part")
}

func TestRefusalsAreAuditedWithTheRecipientsOrganisation(t *testing.T) {
	dir := campaignDirectory(t)
	c := campaign(t, dir)
	_, err := c.Share(dir, "bob", coordination.Item{ID: "r", Kind: coordination.KindNote, Label: coordination.TLPRed, Title: "r"}, []coordination.PersonID{"carol"}, t0)
	require.NoError(t, err)
	err = c.Permit(dir, "carol", "r", coordination.Permission{Person: "cyril"}, t0)
	var re *coordination.RefusedError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, coordination.ReasonNotSource, re.Reason)
	require.ErrorIs(t, c.Forward(dir, "carol", "r", "chris", t0), coordination.ErrRefused)
	var refusals []coordination.Message
	for _, m := range c.Log {
		if m.Kind == coordination.MessageRefused {
			refusals = append(refusals, m)
		}
	}
	require.Len(t, refusals, 2)
	assert.Equal(t, coordination.OrgID("csirt"), refusals[0].To[0].Org)
	assert.Equal(t, coordination.OrgID("cloud"), refusals[1].To[0].Org)
}

func TestNilsAreErrors(t *testing.T) {
	var c *coordination.Case
	_, err := c.View(campaignDirectory(t), "bob")
	require.ErrorIs(t, err, coordination.ErrInvalid)
	_, err = coordination.Store{}.Get(context.Background(), "x")
	require.ErrorIs(t, err, coordination.ErrInvalid)
	require.ErrorIs(t, coordination.Store{}.Put(context.Background(), 0, nil), coordination.ErrInvalid)
}

// TestSync: answers logged in the case and deadlines it withdrew reach
// the engine's obligations, so no timer fires for them.
func TestSync(t *testing.T) {
	ctx := context.Background()
	dir := campaignDirectory(t)
	o := newOrgEngine(t, "bank", "bob")
	eng, bob, key, cs := o.eng, o.actor, o.key, o.cases

	c, err := coordination.NewCase(dir, "CASE-7", "Phishing", "bank", "fin-isac", "carol", t0)
	require.NoError(t, err)
	inv, err := c.Invite(dir, "carol", "bank", coordination.RoleAffected, "bob", time.Time{}, t0)
	require.NoError(t, err)
	require.NoError(t, c.Acknowledge(dir, "bob", inv.ID, t0))
	require.NoError(t, c.Link("bank", o.inc))
	a, err := c.Request(dir, "carol", []coordination.OrgID{"bank"}, "headers", t0.Add(4*time.Hour), t0)
	require.NoError(t, err)
	b, err := c.Request(dir, "carol", []coordination.OrgID{"bank"}, "losses", t0.Add(4*time.Hour), t0)
	require.NoError(t, err)
	require.NoError(t, cs.Put(ctx, 0, c))
	_, err = coordination.Sync(ctx, eng, bob, key, c, "bank")
	require.NoError(t, err)

	_, err = c.Respond(dir, "bob", a.ID, "sent", t0.Add(time.Hour))
	require.NoError(t, err)
	require.NoError(t, c.Close(dir, "carol", "over", t0.Add(2*time.Hour)))
	require.NoError(t, cs.Put(ctx, 1, c))
	rec, err := coordination.Sync(ctx, eng, bob, key, c, "bank")
	require.NoError(t, err)
	inc, ok := rec.(*incident.Incident)
	require.True(t, ok)
	got := map[string]incident.Obligation{}
	for _, o := range inc.Obligations {
		got[o.ID] = o
	}
	assert.Equal(t, t0.Add(time.Hour), got["coordination/CASE-7/"+a.ID].SubmittedAt)
	assert.Equal(t, "case CASE-7 closed", got["coordination/CASE-7/"+b.ID].Waived)
	fired, err := eng.Tick(ctx, t0.Add(10*time.Hour))
	require.NoError(t, err)
	assert.Zero(t, fired.Fired, "nothing is owed any more")
}

// Second review: each scenario once leaked or lost something.
func TestSecondReviewFindings(t *testing.T) {
	dir := campaignDirectory(t)
	red := coordination.Item{ID: "note--9", Kind: coordination.KindNote, Label: coordination.TLPRed, Title: "partner's", Origin: json.RawMessage(`{"type":"note"}`)}

	t.Run("Receive from one's own organisation is refused", func(t *testing.T) {
		c := campaign(t, dir)
		_, err := c.Receive(dir, "bea", "bob", red, t0)
		require.ErrorIs(t, err, coordination.ErrInvalid)
		withPerm := red
		withPerm.Permissions = []coordination.Permission{{Person: "sam", By: "ines"}}
		_, err = c.Receive(dir, "ines", "bob", withPerm, t0)
		require.ErrorIs(t, err, coordination.ErrInvalid, "permissions are the source's to give")
	})
	t.Run("a participant that left can neither view nor forward", func(t *testing.T) {
		c := campaign(t, dir)
		_, err := c.Share(dir, "bob", coordination.Item{ID: "a", Kind: coordination.KindNote, Label: coordination.TLPAmberStrict, Title: "a"}, []coordination.PersonID{"bea"}, t0)
		require.NoError(t, err)
		require.NoError(t, c.SetStatus(dir, "chris", coordination.StatusInvestigating, "", "", t0))
		require.NoError(t, c.Leave(dir, "chris", "out", t0))
		_, err = c.View(dir, "chris")
		require.ErrorIs(t, err, coordination.ErrNotParticipant)
		c2 := campaign(t, dir)
		_, err = c2.Broadcast(dir, "carol", "u", coordination.TLPGreen, "update", t0)
		require.NoError(t, err)
		assert.False(t, c2.Holds("chris", "u"), "an invited organisation receives no broadcast")
	})
	t.Run("a view shows the audience and permissions to the source only", func(t *testing.T) {
		c := campaign(t, dir)
		require.NoError(t, c.SetStatus(dir, "chris", coordination.StatusInvestigating, "", "", t0))
		_, err := c.Share(dir, "bob", coordination.Item{ID: "r", Kind: coordination.KindNote, Label: coordination.TLPRed, Title: "r"}, []coordination.PersonID{"carol", "chris", "ines"}, t0)
		require.NoError(t, err)
		require.NoError(t, c.Permit(dir, "bob", "r", coordination.Permission{Person: "sam", Reason: "their shop is hit"}, t0))
		v, err := c.View(dir, "chris")
		require.NoError(t, err)
		assert.Equal(t, []coordination.PersonID{"chris"}, v.Item("r").Audience)
		assert.Empty(t, v.Item("r").Permissions)
		src, err := c.View(dir, "bea")
		require.NoError(t, err)
		assert.Nil(t, src.Item("r"), "bea does not hold it")
		own, err := c.View(dir, "bob")
		require.NoError(t, err)
		assert.Len(t, own.Item("r").Audience, 3)
		assert.Len(t, own.Item("r").Permissions, 1)
		require.ErrorIs(t, c.Forward(dir, "carol", "r", "cyril", t0), coordination.ErrRefused)
		col, err := c.View(dir, "cyril")
		require.NoError(t, err)
		for _, m := range col.Log {
			assert.NotEqual(t, coordination.MessageRefused, m.Kind, "a colleague's refused attempt is the colleague's")
		}
	})
	t.Run("what a store keeps is what was put", func(t *testing.T) {
		c := campaign(t, dir)
		_, err := c.Share(dir, "bob", coordination.Item{ID: "bad", Kind: coordination.KindNote, Label: coordination.TLPGreen, Title: "bad \xff"}, nil, t0)
		require.ErrorIs(t, err, coordination.ErrInvalid, "invalid UTF-8 would come back changed")
		cet := time.FixedZone("CET", 3600)
		_, err = c.Share(dir, "carol", coordination.Item{ID: "ioc", Kind: coordination.KindIndicator, Label: coordination.TLPGreen,
			Indicator: &coordination.Indicator{Pattern: "[ipv4-addr:value = '203.0.113.7']", ValidFrom: t0.In(cet)}}, []coordination.PersonID{"bob"}, t0.In(cet))
		require.NoError(t, err)
		assert.Equal(t, time.UTC, c.Item("ioc").Indicator.ValidFrom.Location())
		st := coordination.Store{St: memory.New(), Tenant: "t"}
		require.NoError(t, st.Put(context.Background(), 0, c))
		got, err := st.Get(context.Background(), c.ID)
		require.NoError(t, err)
		assert.True(t, got.Value.Item("ioc").Indicator.ValidFrom.Equal(c.Item("ioc").Indicator.ValidFrom))
		assert.Equal(t, c.Item("ioc").Indicator.ValidFrom, got.Value.Item("ioc").Indicator.ValidFrom)
	})
}

// TestSyncAfterLeaving: deadlines withdrawn because the organisation left
// are waived in its engine too.
func TestSyncAfterLeaving(t *testing.T) {
	ctx := context.Background()
	dir := campaignDirectory(t)
	o := newOrgEngine(t, "cloud", "chris")
	eng, chris, key, cs := o.eng, o.actor, o.key, o.cases

	c := campaign(t, dir)
	c.Self = "cloud"
	require.NoError(t, c.SetStatus(dir, "chris", coordination.StatusInvestigating, "", "", t0))
	require.NoError(t, c.Link("cloud", o.inc))
	req, err := c.Request(dir, "carol", []coordination.OrgID{"cloud"}, "take-down?", t0.Add(4*time.Hour), t0)
	require.NoError(t, err)
	require.NoError(t, cs.Put(ctx, 0, c))
	_, err = coordination.Sync(ctx, eng, chris, key, c, "cloud")
	require.NoError(t, err)
	require.NoError(t, c.Leave(dir, "chris", "handed to our CERT", t0.Add(time.Hour)))
	require.NoError(t, cs.Put(ctx, 1, c))
	rec, err := coordination.Sync(ctx, eng, chris, key, c, "cloud")
	require.NoError(t, err)
	inc, ok := rec.(*incident.Incident)
	require.True(t, ok)
	for _, o := range inc.Obligations {
		if o.ID == "coordination/CASE-7/"+req.ID {
			assert.Equal(t, "cloud left case CASE-7", o.Waived)
		}
	}
	fired, err := eng.Tick(ctx, t0.Add(10*time.Hour))
	require.NoError(t, err)
	assert.Zero(t, fired.Fired)
}

// orgEngine is an organisation's incident engine on a memory store, with
// coordination.Deadlines (over the same store) as its obligation source,
// and one incident declared by actor.
type orgEngine struct {
	eng   *lifecycle.Engine
	cases coordination.Store
	actor lifecycle.Actor
	inc   incident.Record
	key   lifecycle.Key
}

func newOrgEngine(t *testing.T, org coordination.OrgID, actor incident.ActorID) orgEngine {
	t.Helper()
	ctx := context.Background()
	st := memory.New()
	tenant := string(org)
	o := orgEngine{cases: coordination.Store{St: st, Tenant: tenant},
		actor: lifecycle.Actor{ID: actor, Roles: []incident.Role{incident.RoleIncidentManager, incident.RolePointOfContact}}}
	rules := lifecycle.DefaultRules()
	rules.RequireConfirmation = false
	var err error
	o.eng, err = lifecycle.New(st, tenant, lifecycle.WithRules(rules),
		lifecycle.WithClock(incident.ClockFunc(func() time.Time { return t0 })),
		lifecycle.WithObligationSource(coordination.Deadlines{Store: o.cases, Org: org}))
	require.NoError(t, err)
	ev, err := o.eng.Factory().NewEvent(ctx, tenant, "phishing reported", actor)
	require.NoError(t, err)
	require.NoError(t, o.eng.Create(ctx, o.actor, ev))
	_, err = o.eng.Transition(ctx, o.actor, lifecycle.KeyOf(ev), lifecycle.ActionAcknowledge)
	require.NoError(t, err)
	res, err := o.eng.Assess(ctx, o.actor, lifecycle.KeyOf(ev), incident.Assessment{Step: incident.AssessmentFirst, Outcome: incident.OutcomeIncident, Severity: incident.SeverityMedium})
	require.NoError(t, err)
	o.inc, o.key = res.Declared, lifecycle.KeyOf(res.Declared)
	return o
}
