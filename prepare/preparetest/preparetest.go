// Package preparetest is the conformance suite of prepare.Store: the tests
// every store that keeps preparations (package store/memory, the SQL
// adapters, a host's own store) runs from its own tests to show that the
// preparation documents keep their versions, tenants and contents, as
// package store/storetest does for the store contracts as a whole.
//
// A host calls Run from a test with a function returning a new, empty
// store for each case:
//
//	func TestPrepareStore(t *testing.T) {
//		preparetest.Run(t, func(t *testing.T) prepare.Committer {
//			return memory.New()
//		})
//	}
package preparetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/prepare"
	"github.com/iso27035/iso27035/store"
)

// Tenants and the document ID the cases use.
const (
	tenantA = "tenant-a"
	tenantB = "tenant-b"
	docID   = "current"
)

// Writers is how many goroutines race to update one version in the
// concurrency case; Rounds is how many versions they race for.
const (
	Writers = 8
	Rounds  = 3
)

// t0 is the cases' clock: UTC at microsecond precision, which every store
// keeps.
var t0 = time.Date(2026, 3, 14, 9, 26, 53, 589793000, time.UTC)

type testCase struct {
	name, contract string
	run            func(e *env)
}

func cases() []testCase {
	return []testCase{
		{"Create", "Put at version 0 creates the document at version 1", create},
		{"GetRoundTrip", "Get returns the preparation Put stored, JSON-equal, times kept to the microsecond", roundTrip},
		{"Update", "Put at the version read updates the document to the next version", update},
		{"StaleUpdate_ErrConflict", "Put at a version no longer stored fails with store.ErrConflict and stores nothing; an update of an ID never stored fails with store.ErrNotFound", staleUpdate},
		{"CreateExisting_ErrExists", "Put at version 0 of an ID already stored fails with store.ErrExists and stores nothing", createExisting},
		{"GetMissing_ErrNotFound", "Get of an ID never stored fails with store.ErrNotFound", getMissing},
		{"TenantIsolation", "the same ID in two tenants names two documents, each with its own contents and versions; one tenant cannot read or update the other's", tenantIsolation},
		{"Invalid_NoWrite", "Put of a preparation that does not validate fails with prepare.ErrInvalid before any Commit", invalid},
		{"ConcurrentUpdates", fmt.Sprintf("of %d Puts racing at one version exactly one wins, the others fail with store.ErrConflict", Writers), concurrent},
		{"Clock", "the Store's Clock stamps the document's UpdatedAt, in UTC at microsecond precision", clock},
	}
}

// Run runs every case against stores made by newStore, one named subtest
// per contract ("StaleUpdate_ErrConflict", "TenantIsolation", …).
// newStore is called once per case and must return an empty store; it may
// register cleanups on the t it is given. The cases run one after the
// other, never in parallel.
func Run(t *testing.T, newStore func(t *testing.T) prepare.Committer) {
	t.Helper()
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if t.Failed() {
					t.Logf("contract: %s", c.contract)
				}
			}()
			st := newStore(t)
			if st == nil {
				t.Fatal("newStore returned nil")
			}
			c.run(&env{t: t, ctx: t.Context(), st: st})
		})
	}
}

// env is what a case works with.
type env struct {
	t   *testing.T
	ctx context.Context
	st  prepare.Committer
}

// store returns a prepare.Store of tenant on the case's store, stamping
// t0.
func (e *env) store(tenant string) prepare.Store {
	return prepare.Store{St: e.st, Tenant: tenant, Clock: func() time.Time { return t0 }}
}

// put stores p as docID at version, ending the case if it cannot.
func (e *env) put(s prepare.Store, version int64, p *prepare.Preparation) {
	e.t.Helper()
	if err := s.Put(e.ctx, docID, version, p); err != nil {
		e.t.Fatalf("Put %s/%s at version %d: %v", s.Tenant, docID, version, err)
	}
}

// get reads docID, ending the case if it cannot.
func (e *env) get(s prepare.Store) store.Versioned[prepare.Preparation] {
	e.t.Helper()
	v, err := s.Get(e.ctx, docID)
	if err != nil {
		e.t.Fatalf("Get %s/%s: %v", s.Tenant, docID, err)
	}
	return v
}

// want checks that the stored docID is p at version.
func (e *env) want(s prepare.Store, version int64, p *prepare.Preparation) {
	e.t.Helper()
	got := e.get(s)
	if got.ID != docID {
		e.t.Errorf("Get %s/%s: ID %q", s.Tenant, docID, got.ID)
	}
	if got.Version != version {
		e.t.Errorf("Get %s/%s: version %d, want %d", s.Tenant, docID, got.Version, version)
	}
	if d := jsonDiff(&got.Value, p); d != "" {
		e.t.Errorf("Get %s/%s: %s", s.Tenant, docID, d)
	}
}

func (e *env) is(what string, err, target error) {
	e.t.Helper()
	if !errors.Is(err, target) {
		e.t.Errorf("%s: got error %v, want %v", what, err, target)
	}
}

// jsonDiff is "" when got and want encode to the same JSON.
func jsonDiff(got, want *prepare.Preparation) string {
	g, err1 := json.Marshal(got)
	w, err2 := json.Marshal(want)
	if err := errors.Join(err1, err2); err != nil {
		return "encoding: " + err.Error()
	}
	if !bytes.Equal(g, w) {
		return fmt.Sprintf("got\n%s\nwant\n%s", g, w)
	}
	return ""
}

// Fixture returns a valid preparation that uses every part of the document
// (policy, plan, teams, rotations, paging, contacts, playbooks), its times
// in UTC at microsecond precision; n varies its contents.
func Fixture(n int) *prepare.Preparation {
	at := t0.Add(time.Duration(n) * time.Hour)
	day := time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)
	malware := incident.Category{Class: "malicious-code", Type: "ransomware"}
	return &prepare.Preparation{
		Policy: &prepare.Policy{
			Version: n + 1, Scope: fmt.Sprintf("all sites (%d)", n), Objectives: []string{"contain", "learn"},
			Roles:    []prepare.Responsibility{{Role: incident.RoleIRTLead, Responsibilities: []string{"lead the response"}}},
			Approval: &prepare.Approval{By: "ceo", Role: "board", At: at}, ReviewBy: day.AddDate(1, 0, 0),
			History: []prepare.Revision{{Version: 1, At: day, By: "ciso", Summary: "first issue"}},
		},
		Plan: &prepare.Plan{
			Version: 1, SeverityScale: "default", Categories: []incident.Category{malware},
			ObligationProfiles: []string{"nis2"},
			Escalation: []prepare.PagingRule{{Name: "plan-malware", Category: malware,
				Escalations: []prepare.Escalation{{Rotation: "irt-primary", After: lifecycle.Duration(15 * time.Minute)}}}},
			Communication: []prepare.CommunicationRule{{Severities: []incident.Severity{incident.SeverityCritical},
				Audience: "board", Within: lifecycle.Duration(4 * time.Hour)}},
			ReviewPeriod: lifecycle.Duration(180 * 24 * time.Hour), ReviewedAt: at,
			ReviewSignOff: []incident.Role{incident.RoleIncidentManager, incident.RoleIRTLead},
		},
		Roster: prepare.Roster{
			Teams: []prepare.Team{
				{Name: "imt", Kind: prepare.TeamIMT, Members: []prepare.Member{{ID: "bob", Name: "Bob", Deputy: "eve"}, {ID: "eve", Deputy: "bob"}}},
				{Name: "irt", Kind: prepare.TeamIRT, Members: []prepare.Member{
					{ID: "alice", Roles: []incident.Role{incident.RoleIRTLead}, Deputy: "carol", Skills: []string{"forensics"}},
					{ID: "carol", Deputy: "alice"}}},
			},
			Rotations: []prepare.Rotation{{Name: "irt-primary", Team: "irt", Zone: "Europe/Berlin", Start: "2026-03-01",
				Handover: "02:30", ShiftDays: 7, Order: []incident.ActorID{"alice", "carol"},
				Overrides: []prepare.Override{{Member: "carol", From: "2026-03-29T00:00", Until: "2026-03-30T00:00"}}}},
			Paging: []prepare.PagingRule{{Name: "malware-high", Category: incident.Category{Class: "malicious-code"},
				Severities: []incident.Severity{incident.SeverityHigh}, Escalations: []prepare.Escalation{{Rotation: "irt-primary"}}}},
		},
		Contacts: []prepare.Contact{{Name: "BSI", Kind: prepare.ContactExternal, Organisation: "BSI",
			Purposes: []string{"reporting"}, Channel: "portal", VerifiedOn: at}},
		Playbooks: prepare.Library{Playbooks: []prepare.Playbook{{Name: "ransomware", Version: n + 1, Category: malware,
			Steps: []prepare.Step{{ID: "isolate", Title: "Isolate hosts", Phase: incident.PhaseRespond, State: incident.StateContainment,
				Owner: incident.RoleIRTLead, Checklist: []string{"network cut"}, Evidence: []string{"memory image"},
				Mandatory: true, Within: lifecycle.Duration(time.Hour)}}}}},
	}
}

func create(e *env) {
	s := e.store(tenantA)
	p := Fixture(1)
	e.put(s, 0, p)
	e.want(s, 1, p)
}

func roundTrip(e *env) {
	s := e.store(tenantA)
	p := Fixture(2)
	e.put(s, 0, p)
	got := e.get(s)
	if d := jsonDiff(&got.Value, p); d != "" {
		e.t.Errorf("round trip: %s", d)
	}
	if !got.Value.Policy.Approval.At.Equal(p.Policy.Approval.At) {
		e.t.Errorf("round trip: approval time %s, want %s", got.Value.Policy.Approval.At, p.Policy.Approval.At)
	}
	if err := got.Value.Validate(); err != nil {
		e.t.Errorf("the preparation read back does not validate: %v", err)
	}
}

func update(e *env) {
	s := e.store(tenantA)
	e.put(s, 0, Fixture(1))
	got := e.get(s)
	p := Fixture(2)
	e.put(s, got.Version, p)
	e.want(s, 2, p)
	e.put(s, 2, Fixture(3))
	e.want(s, 3, Fixture(3))
}

func staleUpdate(e *env) {
	s := e.store(tenantA)
	e.put(s, 0, Fixture(1))
	read := e.get(s)
	e.put(s, read.Version, Fixture(2))
	e.is("Put at the version read before another update", s.Put(e.ctx, docID, read.Version, Fixture(3)), store.ErrConflict)
	e.is("Put at a version never stored", s.Put(e.ctx, docID, 7, Fixture(3)), store.ErrConflict)
	e.want(s, 2, Fixture(2))
	e.is("Put at version 1 of an ID never stored", s.Put(e.ctx, "absent", 1, Fixture(3)), store.ErrNotFound)
}

func createExisting(e *env) {
	s := e.store(tenantA)
	e.put(s, 0, Fixture(1))
	e.is("a second create of the same ID", s.Put(e.ctx, docID, 0, Fixture(2)), store.ErrExists)
	e.want(s, 1, Fixture(1))
}

func getMissing(e *env) {
	s := e.store(tenantA)
	_, err := s.Get(e.ctx, docID)
	e.is("Get of an empty store", err, store.ErrNotFound)
	e.put(s, 0, Fixture(1))
	_, err = s.Get(e.ctx, "other")
	e.is("Get of an ID never stored", err, store.ErrNotFound)
}

func tenantIsolation(e *env) {
	a, b := e.store(tenantA), e.store(tenantB)
	e.put(a, 0, Fixture(1))
	_, err := b.Get(e.ctx, docID)
	e.is("Get in another tenant", err, store.ErrNotFound)
	e.is("update in another tenant", b.Put(e.ctx, docID, 1, Fixture(2)), store.ErrNotFound)
	e.put(b, 0, Fixture(2))
	e.put(a, 1, Fixture(3))
	e.want(a, 2, Fixture(3))
	e.want(b, 1, Fixture(2))
}

// counting counts the Commits that reach the store.
type counting struct {
	prepare.Committer
	commits atomic.Int64
}

// Commit counts w and passes it on.
func (c *counting) Commit(ctx context.Context, tenant string, w *store.Write) error {
	c.commits.Add(1)
	return c.Committer.Commit(ctx, tenant, w)
}

func invalid(e *env) {
	c := &counting{Committer: e.st}
	s := prepare.Store{St: c, Tenant: tenantA, Clock: func() time.Time { return t0 }}
	bad := Fixture(1)
	bad.Roster.Rotations[0].Team = "nobody"
	e.is("create of an invalid preparation", s.Put(e.ctx, docID, 0, bad), prepare.ErrInvalid)
	if n := c.commits.Load(); n != 0 {
		e.t.Errorf("the invalid preparation reached the store: %d Commits", n)
	}
	_, err := s.Get(e.ctx, docID)
	e.is("Get after the refused create", err, store.ErrNotFound)

	e.put(s, 0, Fixture(1))
	bad = Fixture(2)
	bad.Playbooks.Playbooks[0].Steps = nil
	e.is("update to an invalid preparation", s.Put(e.ctx, docID, 1, bad), prepare.ErrInvalid)
	if n := c.commits.Load(); n != 1 {
		e.t.Errorf("after one valid and two invalid Puts, %d Commits, want 1", n)
	}
	e.want(s, 1, Fixture(1))
}

func concurrent(e *env) {
	s := e.store(tenantA)
	e.put(s, 0, Fixture(0))
	for round := 1; round <= Rounds; round++ {
		read := e.get(s)
		errs := make([]error, Writers)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range Writers {
			wg.Go(func() {
				<-start
				errs[i] = s.Put(e.ctx, docID, read.Version, Fixture(round*Writers+i))
			})
		}
		close(start)
		wg.Wait()
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil && winner >= 0:
				e.t.Errorf("round %d: writers %d and %d both won at version %d", round, winner, i, read.Version)
			case err == nil:
				winner = i
			case !errors.Is(err, store.ErrConflict):
				e.t.Errorf("round %d: writer %d lost with %v, want %v", round, i, err, store.ErrConflict)
			}
		}
		if winner < 0 {
			e.t.Fatalf("round %d: no writer won at version %d: %v", round, read.Version, errors.Join(errs...))
		}
		e.want(s, read.Version+1, Fixture(round*Writers+winner))
	}
}

func clock(e *env) {
	now := time.Date(2026, 3, 29, 3, 30, 0, 123456789, time.FixedZone("CEST", 2*60*60))
	s := prepare.Store{St: e.st, Tenant: tenantA, Clock: func() time.Time { return now }}
	stamped := func(what string, want time.Time) {
		e.t.Helper()
		d, err := e.st.GetDocument(e.ctx, tenantA, prepare.CollectionName, docID)
		if err != nil {
			e.t.Fatalf("GetDocument: %v", err)
		}
		if !d.UpdatedAt.Equal(want) || d.UpdatedAt.Location() != time.UTC {
			e.t.Errorf("%s: UpdatedAt %s, want %s", what, d.UpdatedAt, want)
		}
	}
	e.put(s, 0, Fixture(1))
	stamped("after the create", now.UTC().Truncate(time.Microsecond))
	now = now.Add(36 * time.Hour)
	e.put(s, 1, Fixture(2))
	stamped("after the update", now.UTC().Truncate(time.Microsecond))
}
