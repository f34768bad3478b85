// Package coordinationtest is the conformance suite of the coordination
// store: the tests every store that keeps coordinated cases (package
// store/memory, the SQL adapters, a host's own store) runs from its own
// tests, as packages lessonstest and preparetest do for theirs.
//
// A host calls Run from a test with a function returning a new, empty
// store for each case:
//
//	func TestCoordinationStore(t *testing.T) {
//		coordinationtest.Run(t, func(t *testing.T) coordination.Committer {
//			return memory.New()
//		})
//	}
package coordinationtest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/coordination"
	"github.com/iso27035/iso27035/store"
)

// The tenants the cases use.
const (
	tenantA = "tenant-a"
	tenantB = "tenant-b"
)

// t0 is the cases' clock: UTC at microsecond precision, which every store
// keeps.
var t0 = time.Date(2026, 3, 14, 9, 26, 53, 589793000, time.UTC)

type testCase struct {
	name, contract string
	run            func(t *testing.T, st coordination.Committer)
}

func cases() []testCase {
	return []testCase{
		{"RoundTrip", "Put at version 0 creates a case (items at every TLP level, log, deadlines, statement, an imported item's origin) at version 1 and Get returns it JSON-equal", roundTrip},
		{"Update", "Update applies an operation at the version read; a Put at a stale version fails with store.ErrConflict", update},
		{"Update_RefusalStored", "a refused forward inside Update is stored in the exchange log and returned as ErrRefused", refusalStored},
		{"Update_ErrorStoresNothing", "any other error inside Update stores nothing", errorStoresNothing},
		{"CreateExisting_ErrExists", "a second create of an ID fails with store.ErrExists", createExisting},
		{"GetMissing_ErrNotFound", "Get of an ID never stored fails with store.ErrNotFound", getMissing},
		{"TenantIsolation", "one tenant cannot read or list the other's cases", tenantIsolation},
		{"List_ByIndex", "List filters by status, coordinator and local incident, in ID order; CasesOf finds the cases of an incident", list},
		{"Invalid_NoWrite", "an invalid case is refused before any Commit", invalid},
	}
}

// Run runs every case against stores made by newStore, one named subtest
// per contract. newStore is called once per case and must return an empty
// store; the cases run one after the other.
func Run(t *testing.T, newStore func(t *testing.T) coordination.Committer) {
	t.Helper()
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			t.Log(c.contract)
			c.run(t, newStore(t))
		})
	}
}

func clock() time.Time { return t0 }

// directory is a coordinator, a bank and its cloud provider.
func directory(t *testing.T) *coordination.Directory {
	t.Helper()
	d, err := coordination.NewDirectory(
		[]coordination.Organisation{
			{ID: "csirt", Name: "National CSIRT", Communities: []coordination.CommunityID{"fin"}},
			{ID: "bank", Name: "Bank", Communities: []coordination.CommunityID{"fin"}},
			{ID: "cloud", Name: "Cloud provider", Clients: []coordination.OrgID{"bank"}},
		},
		[]coordination.Person{
			{ID: "carol", Name: "Carol", Org: "csirt"},
			{ID: "bob", Name: "Bob", Org: "bank"},
			{ID: "bea", Name: "Bea", Org: "bank"},
			{ID: "chris", Name: "Chris", Org: "cloud"},
		},
		[]coordination.Community{{ID: "fin", Name: "Financial sector"}},
	)
	must(t, err)
	return d
}

// newCase builds a case through the operations.
func newCase(t *testing.T, dir *coordination.Directory, id coordination.CaseID) *coordination.Case {
	t.Helper()
	c, err := coordination.NewCase(dir, id, "Phishing campaign", "csirt", "fin", "carol", t0)
	must(t, err)
	inv, err := c.Invite(dir, "carol", "bank", coordination.RoleAffected, "bob", t0.Add(4*time.Hour), t0)
	must(t, err)
	must(t, c.Acknowledge(dir, "bob", inv.ID, t0.Add(time.Hour)))
	_, err = c.Invite(dir, "carol", "cloud", coordination.RoleServiceProvider, "chris", t0.Add(4*time.Hour), t0)
	must(t, err)
	for i, l := range coordination.Labels() {
		if l == coordination.TLPRed {
			_, err = c.Share(dir, "bob", coordination.Item{ID: "red", Kind: coordination.KindNote, Label: l, Title: "Victim list"}, []coordination.PersonID{"carol"}, t0.Add(2*time.Hour))
		} else {
			_, err = c.Broadcast(dir, "carol", coordination.ItemID("update-"+l.String()), l, "status "+string(rune('A'+i)), t0.Add(2*time.Hour))
		}
		must(t, err)
	}
	_, err = c.Share(dir, "carol", coordination.Item{ID: "ioc", Kind: coordination.KindIndicator, Label: coordination.TLPGreen,
		Indicator: &coordination.Indicator{Pattern: "[url:value = 'http://bank-login.example/']", ValidFrom: t0}}, []coordination.PersonID{"bob"}, t0.Add(3*time.Hour))
	must(t, err)
	_, err = c.Receive(dir, "chris", "bob", coordination.Item{ID: "seen", Kind: coordination.KindObservation, Label: coordination.TLPAmber,
		Observed: &coordination.Observation{FirstObserved: t0, LastObserved: t0.Add(time.Hour), Count: 12,
			Objects: []coordination.Observable{{Type: "url", Value: "http://bank-login.example/"}}},
		Origin: json.RawMessage(`{"type":"observed-data","x_partner":{"kept":true}}`)}, t0.Add(3*time.Hour))
	must(t, err)
	_, err = c.Assign(dir, "carol", "cloud", "Take the phishing site down", t0.Add(24*time.Hour), t0.Add(3*time.Hour))
	must(t, err)
	must(t, c.ProposeStatement(dir, "carol", "A phishing campaign targets customers of the bank.", []coordination.OrgID{"bank"}, t0.Add(5*time.Hour)))
	return c
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("got %v, want %v", err, target)
	}
}

func jsonEqual(t *testing.T, want, got any) {
	t.Helper()
	a, err := json.Marshal(want)
	must(t, err)
	b, err := json.Marshal(got)
	must(t, err)
	if string(a) != string(b) {
		t.Errorf("round trip differs:\nput %s\ngot %s", a, b)
	}
}

func roundTrip(t *testing.T, st coordination.Committer) {
	ctx := context.Background()
	s := coordination.Store{St: st, Tenant: tenantA, Clock: clock}
	c := newCase(t, directory(t), "CASE-1")
	must(t, s.Put(ctx, 0, c))
	got, err := s.Get(ctx, "CASE-1")
	must(t, err)
	if got.Version != 1 || got.ID != "CASE-1" {
		t.Fatalf("got %s version %d, want CASE-1 version 1", got.ID, got.Version)
	}
	jsonEqual(t, c, got.Value)
}

func update(t *testing.T, st coordination.Committer) {
	ctx := context.Background()
	dir := directory(t)
	s := coordination.Store{St: st, Tenant: tenantA, Clock: clock}
	must(t, s.Put(ctx, 0, newCase(t, dir, "CASE-1")))
	c, err := s.Update(ctx, "CASE-1", func(c *coordination.Case) error {
		return c.SetStatus(dir, "bob", coordination.StatusContained, "INC-2026-0042", "site blocked", t0.Add(6*time.Hour))
	})
	must(t, err)
	got, err := s.Get(ctx, "CASE-1")
	must(t, err)
	if got.Version != 2 || got.Value.Participant("bank").Status != coordination.StatusContained {
		t.Fatalf("got version %d, bank %s; want 2 and contained", got.Version, got.Value.Participant("bank").Status)
	}
	jsonEqual(t, c, got.Value)
	wantErr(t, s.Put(ctx, 1, c), store.ErrConflict)
}

func refusalStored(t *testing.T, st coordination.Committer) {
	ctx := context.Background()
	dir := directory(t)
	s := coordination.Store{St: st, Tenant: tenantA, Clock: clock}
	must(t, s.Put(ctx, 0, newCase(t, dir, "CASE-1")))
	// Carol received the bank's TLP:RED item; it goes no further.
	_, err := s.Update(ctx, "CASE-1", func(c *coordination.Case) error {
		return c.Forward(dir, "carol", "red", "chris", t0.Add(6*time.Hour))
	})
	wantErr(t, err, coordination.ErrRefused)
	var re *coordination.RefusedError
	if !errors.As(err, &re) || re.Recipient != "chris" {
		t.Fatalf("got %v, want a *RefusedError naming chris", err)
	}
	got, err := s.Get(ctx, "CASE-1")
	must(t, err)
	last := got.Value.Log[len(got.Value.Log)-1]
	if got.Version != 2 || last.Kind != coordination.MessageRefused || last.From != "carol" {
		t.Fatalf("version %d, last log entry %+v; want the refusal stored at version 2", got.Version, last)
	}
	if got.Value.Holds("chris", "red") {
		t.Fatal("the refused recipient holds the item")
	}
}

func errorStoresNothing(t *testing.T, st coordination.Committer) {
	ctx := context.Background()
	dir := directory(t)
	s := coordination.Store{St: st, Tenant: tenantA, Clock: clock}
	must(t, s.Put(ctx, 0, newCase(t, dir, "CASE-1")))
	_, err := s.Update(ctx, "CASE-1", func(c *coordination.Case) error {
		return c.Close(dir, "carol", "", t0.Add(6*time.Hour))
	})
	wantErr(t, err, coordination.ErrOpenParticipants)
	got, err := s.Get(ctx, "CASE-1")
	must(t, err)
	if got.Version != 1 || got.Value.Status != coordination.CaseOpen {
		t.Fatalf("version %d status %s; want 1 and open", got.Version, got.Value.Status)
	}
}

func createExisting(t *testing.T, st coordination.Committer) {
	ctx := context.Background()
	dir := directory(t)
	s := coordination.Store{St: st, Tenant: tenantA, Clock: clock}
	must(t, s.Put(ctx, 0, newCase(t, dir, "CASE-1")))
	wantErr(t, s.Put(ctx, 0, newCase(t, dir, "CASE-1")), store.ErrExists)
}

func getMissing(t *testing.T, st coordination.Committer) {
	s := coordination.Store{St: st, Tenant: tenantA, Clock: clock}
	_, err := s.Get(context.Background(), "nope")
	wantErr(t, err, store.ErrNotFound)
}

func tenantIsolation(t *testing.T, st coordination.Committer) {
	ctx := context.Background()
	dir := directory(t)
	a := coordination.Store{St: st, Tenant: tenantA, Clock: clock}
	b := coordination.Store{St: st, Tenant: tenantB, Clock: clock}
	must(t, a.Put(ctx, 0, newCase(t, dir, "CASE-1")))
	_, err := b.Get(ctx, "CASE-1")
	wantErr(t, err, store.ErrNotFound)
	cs, err := b.List(ctx, nil)
	must(t, err)
	if len(cs) != 0 {
		t.Fatalf("tenant B lists %d cases of tenant A", len(cs))
	}
	own := newCase(t, dir, "CASE-1")
	own.Title = "B's own"
	must(t, b.Put(ctx, 0, own))
	got, err := a.Get(ctx, "CASE-1")
	must(t, err)
	if got.Value.Title != "Phishing campaign" {
		t.Fatalf("tenant A reads %q", got.Value.Title)
	}
}

func list(t *testing.T, st coordination.Committer) {
	ctx := context.Background()
	dir := directory(t)
	s := coordination.Store{St: st, Tenant: tenantA, Clock: clock}
	local := uuid.MustParse("0190c1a2-3b4c-7d5e-8f60-718293a4b5c6")
	for _, id := range []coordination.CaseID{"CASE-3", "CASE-1", "CASE-2"} {
		c := newCase(t, dir, id)
		if id == "CASE-2" {
			c.Participant("csirt").LocalID = local
			must(t, c.Close(dir, "carol", "provider unreachable", t0.Add(7*time.Hour)))
		}
		must(t, s.Put(ctx, 0, c))
	}
	all, err := s.List(ctx, nil)
	must(t, err)
	if len(all) != 3 || all[0].ID != "CASE-1" || all[2].ID != "CASE-3" {
		t.Fatalf("List(nil) = %d cases, want CASE-1..3 in order", len(all))
	}
	open, err := s.List(ctx, map[string]string{"status": "open", "coordinator": "csirt"})
	must(t, err)
	if len(open) != 2 {
		t.Fatalf("%d open cases, want 2", len(open))
	}
	of, err := s.CasesOf(ctx, "csirt", local)
	must(t, err)
	if len(of) != 1 || of[0].ID != "CASE-2" {
		t.Fatalf("CasesOf = %d cases, want CASE-2", len(of))
	}
	none, err := s.CasesOf(ctx, "bank", local)
	must(t, err)
	if len(none) != 0 {
		t.Fatalf("CasesOf another organisation's copy = %d, want 0", len(none))
	}
}

func invalid(t *testing.T, st coordination.Committer) {
	ctx := context.Background()
	dir := directory(t)
	s := coordination.Store{St: st, Tenant: tenantA, Clock: clock}
	c := newCase(t, dir, "CASE-1")
	c.Items[0].Label = 0
	wantErr(t, s.Put(ctx, 0, c), coordination.ErrInvalid)
	_, err := s.Get(ctx, "CASE-1")
	wantErr(t, err, store.ErrNotFound)
}
