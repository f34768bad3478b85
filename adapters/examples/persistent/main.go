// Command persistent is the SDK's persistent embedded default: the
// lifecycle engine on a SQLite file (package adapters/sqlite, pure Go, no
// server), which keeps the incident register, the audit trails and the
// outbox across runs.
//
// Every run opens the file and says which run it is. The first reports an
// event through the engine; every later run lists what the file holds
// (each record's reference, stage, version and audit trail, whose hash
// chain it verifies) and moves the open record one step further through
// ISO/IEC 27035-1:2023 clause 5: report, acknowledge, assess (which
// declares an incident), confirm, contain, eradicate, recover, conclude,
// learn, close. Once the incident is closed there is nothing left to do.
//
//	go run ./examples/persistent            # run 1: reports an event
//	go run ./examples/persistent            # run 2: finds it, reports it on
//	go run ./examples/persistent -reset     # deletes the file: run 1 again
//	go run ./examples/persistent -db my.db  # another file
//
// The file is iso27035-persistent.db in the temporary directory
// (os.TempDir) unless -db names another.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/iso27035/iso27035/adapters/sqlite"
	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/store"
)

const org = "acme-bank"

// The people and tools who act, with the 27035-2 roles the host has
// established they hold.
var (
	edr   = lifecycle.Actor{ID: "tool:edr", Roles: []incident.Role{incident.RoleReporter}}
	alice = lifecycle.Actor{ID: "alice", Roles: []incident.Role{incident.RolePointOfContact}}
	carol = lifecycle.Actor{ID: "carol", Roles: []incident.Role{incident.RoleIRTLead}}
	bob   = lifecycle.Actor{ID: "bob", Roles: []incident.Role{incident.RoleIncidentManager}}
)

// collection holds the example's own documents in the store: its run
// counter and its reference sequences.
const collection = "example.persistent"

func main() {
	db := flag.String("db", filepath.Join(os.TempDir(), "iso27035-persistent.db"), "the SQLite `file` that keeps the incidents")
	reset := flag.Bool("reset", false, "delete the file first and start over")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *db, *reset); err != nil {
		fmt.Fprintln(os.Stderr, "persistent:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, path string, reset bool) (err error) {
	if reset {
		// The database and, when a run was interrupted, its write-ahead
		// log and shared-memory index.
		deleted := "deleted"
		for i, p := range []string{path, path + "-wal", path + "-shm"} {
			err := os.Remove(p)
			switch {
			case i == 0 && errors.Is(err, fs.ErrNotExist):
				deleted = "nothing to delete at"
			case err != nil && !errors.Is(err, fs.ErrNotExist):
				return err
			}
		}
		fmt.Fprintf(out, "reset: %s %s\n", deleted, path)
	}
	// Open creates the file when it is missing and brings its schema up
	// to date. Every Commit that returns is on disk (synchronous=FULL).
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, st.Close()) }()

	// References (EVT-2026-000001) must not repeat across runs, so the
	// engine takes them from a sequence kept in the file, not from the
	// default in-memory one, which starts at 1 in every process.
	e, err := lifecycle.New(st, org, lifecycle.WithSequence(counters{st}))
	if err != nil {
		return err
	}
	n, err := counters{st}.next(ctx, "runs")
	if err != nil {
		return err
	}
	p := &printer{out: out, prefix: fmt.Sprintf("run %d: ", n)}
	p.say("database %s", path)

	recs, err := list(ctx, e, st, p)
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		return report(ctx, e, p)
	}
	for _, rec := range recs {
		if !lifecycle.StageOf(rec).Closed() {
			moved, err := advance(ctx, e, p, rec)
			if err != nil {
				return err
			}
			if lifecycle.StageOf(moved).Closed() {
				p.say("%s is closed: its handling is over; -reset starts over", moved.Head().Ref)
			} else {
				p.say("run again to move it one step further; -reset starts over")
			}
			return nil
		}
	}
	p.say("every record is closed: nothing left to do; -reset starts over")
	return nil
}

// list prints what the file holds and returns the records, the most
// recent first (an incident before the event it was declared from).
func list(ctx context.Context, e *lifecycle.Engine, st *sqlite.Store, p *printer) ([]incident.Record, error) {
	var recs []incident.Record
	for _, kind := range []incident.Kind{incident.KindIncident, incident.KindEvent} {
		for rec, err := range e.List(ctx, bob, store.Query{Kind: kind}) {
			if err != nil {
				return nil, err
			}
			recs = append(recs, rec)
		}
	}
	if len(recs) == 0 {
		p.say("no records stored yet")
		return nil, nil
	}
	p.say("found %d %s", len(recs), plural(len(recs), "record"))
	for i := len(recs) - 1; i >= 0; i-- {
		rec := recs[i]
		k := lifecycle.KeyOf(rec)
		trail := 0
		for _, err := range st.AuditTrail(ctx, org, k.ID, 0) {
			if err != nil {
				return nil, err
			}
			trail++
		}
		// Verify rehashes the whole trail and checks that its last record
		// sealed the record's current version.
		verified := "chain verified"
		if _, err := e.Verify(ctx, k); err != nil {
			verified = "chain NOT verified: " + err.Error()
		}
		p.list("%-16s %-26s version %d, audit trail of %d, %s",
			rec.Head().Ref, lifecycle.StageOf(rec), rec.Head().Version, trail, verified)
	}
	stats, err := st.OutboxStats(ctx, org, time.Now())
	if err != nil {
		return nil, err
	}
	p.list("outbox: %d %s waiting for a relay", stats.Pending, plural(stats.Pending, "notification"))
	return recs, nil
}

// report is the first run's step: an EDR reports an event.
func report(ctx context.Context, e *lifecycle.Engine, p *printer) error {
	ev, err := e.Factory().NewEvent(ctx, org, "Ransom note found on file server FS01", edr.ID)
	if err != nil {
		return err
	}
	ev.DetectionMethod, ev.Source = "automated-tool", "EDR"
	// Create stores the event, its first audit record and its
	// notification in one transaction.
	if err := e.Create(ctx, edr, ev); err != nil {
		return err
	}
	p.say("created %s, %s (version %d)", ev.Ref, lifecycle.StageOf(ev), ev.Version)
	p.say("run again to find it in the file and move it one step further")
	return nil
}

// advance moves an open record one step further, prints what it did and
// returns the record to move next time: the one it moved, or the incident
// it declared.
func advance(ctx context.Context, e *lifecycle.Engine, p *printer, rec incident.Record) (incident.Record, error) {
	k := lifecycle.KeyOf(rec)
	stage := lifecycle.StageOf(rec)
	transition := func(who lifecycle.Actor, a lifecycle.Action) (incident.Record, error) {
		rec, err := e.Transition(ctx, who, k, a)
		if err != nil {
			return nil, err
		}
		p.moved(rec, fmt.Sprintf("%s by %s", a, who.ID))
		return rec, nil
	}
	switch stage.State {
	case incident.StateDetection:
		return transition(edr, lifecycle.ActionReport)
	case incident.StateReporting:
		return transition(alice, lifecycle.ActionAcknowledge)
	case incident.StateTriage:
		// The point of contact assesses the event as an incident: the
		// event closes and the incident is created in the same write.
		res, err := e.Assess(ctx, alice, k, incident.Assessment{
			Step: incident.AssessmentFirst, Outcome: incident.OutcomeIncident,
			Severity: incident.SeverityMedium, Priority: incident.P2,
			Category:  incident.Category{Class: "malicious-code", Type: "infected-system"},
			Rationale: "ransom note and encrypted shares on FS01",
		})
		if err != nil {
			return nil, err
		}
		p.moved(res.Record, "assessed by alice: declared "+string(res.Declared.Ref))
		p.moved(res.Declared, "created")
		return res.Declared, nil
	case incident.StateAnalysis:
		if stage.Phase == incident.PhaseAssessDecide {
			// The default rules make the decision two-step.
			res, err := e.Assess(ctx, carol, k, incident.Assessment{
				Step: incident.AssessmentConfirmation, Outcome: incident.OutcomeIncident, Rationale: "confirmed on FS01",
			})
			if err != nil {
				return nil, err
			}
			p.moved(res.Record, "confirmed by carol")
			return res.Record, nil
		}
		return transition(bob, lifecycle.ActionContain)
	case incident.StateContainment:
		return transition(bob, lifecycle.ActionEradicate)
	case incident.StateEradication:
		return transition(bob, lifecycle.ActionRecover)
	case incident.StateRecovery:
		return transition(bob, lifecycle.ActionConclude)
	case incident.StateConclusion:
		if stage.Phase == incident.PhaseRespond {
			return transition(bob, lifecycle.ActionLearn)
		}
		rec, err := e.Close(ctx, bob, k, lifecycle.Closing{
			Resolution: incident.ResolutionTruePositiveWithImpact, Reason: "FS01 restored from backup",
		})
		if err != nil {
			return nil, err
		}
		p.moved(rec, "closed by bob")
		return rec, nil
	}
	return nil, fmt.Errorf("%s is in %s: this example does not know the next step", rec.Head().Ref, stage)
}

// counters are numbers kept in the store as documents of the example's
// collection, each incremented by a versioned write: two processes on the
// same file never get the same number (the loser of a race retries).
type counters struct{ st *sqlite.Store }

// Next implements incident.Sequence: one counter per organisation, kind
// and year.
func (c counters) Next(ctx context.Context, tenant string, kind incident.Kind, year int) (uint64, error) {
	if tenant != org {
		return 0, fmt.Errorf("sequence of %q: this example keeps only %q", tenant, org)
	}
	n, err := c.next(ctx, fmt.Sprintf("ref/%s/%d", kind, year))
	return uint64(n), err //nolint:gosec // G115: n ≥ 1
}

// next increments the counter id and returns its new value, 1 the first
// time.
func (c counters) next(ctx context.Context, id string) (int64, error) {
	for {
		doc, err := c.st.GetDocument(ctx, org, collection, id)
		if errors.Is(err, store.ErrNotFound) {
			doc = store.Document{Collection: collection, ID: id}
		} else if err != nil {
			return 0, err
		}
		var v struct{ N int64 }
		if doc.Body != nil {
			if err := json.Unmarshal(doc.Body, &v); err != nil {
				return 0, err
			}
		}
		v.N++
		if doc.Body, err = json.Marshal(v); err != nil {
			return 0, err
		}
		doc.UpdatedAt = time.Now().UTC()
		err = c.st.Commit(ctx, org, &store.Write{Documents: []store.Document{doc}})
		if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrExists) {
			continue // another process took this number
		}
		return v.N, err
	}
}

// printer prefixes what a run says with its number.
type printer struct {
	out    io.Writer
	prefix string
}

func (p *printer) say(format string, args ...any) {
	fmt.Fprintln(p.out, p.prefix+fmt.Sprintf(format, args...))
}

// list prints an indented line under the last said.
func (p *printer) list(format string, args ...any) {
	fmt.Fprintln(p.out, strings.TrimRight("  "+fmt.Sprintf(format, args...), " "))
}

// moved says where a record stands after what was done to it.
func (p *printer) moved(rec incident.Record, what string) {
	p.say("%s %s: now %s (version %d)", rec.Head().Ref, what, lifecycle.StageOf(rec), rec.Head().Version)
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
