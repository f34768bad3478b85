package crashtest_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/iso27035/iso27035/adapters/postgres"
	"github.com/iso27035/iso27035/adapters/sqlite"
	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/store"
)

// The environment of a driver process. driverVar selects driver mode: the
// test binary then runs driverMain instead of the tests.
const (
	driverVar   = "ISO27035_CRASHTEST_DRIVER"
	backendVar  = "ISO27035_CRASHTEST_BACKEND" // "sqlite" or "postgres"
	targetVar   = "ISO27035_CRASHTEST_TARGET"  // the SQLite file or the DSN
	schemaVar   = "ISO27035_CRASHTEST_SCHEMA"  // the PostgreSQL schema
	seedVar     = "ISO27035_CRASHTEST_SEED"
	tolerateVar = "ISO27035_CRASHTEST_TOLERATE" // "1": retry after store errors
)

// Exit codes of a driver that stopped by itself (it is normally killed).
const (
	exitSetup    = 2 // it could not open the store or build the engine
	exitFailed   = 3 // a change failed (and errors are not tolerated)
	exitDeadline = 4 // it ran out of time: the test must have died
)

// driverLifetime bounds a driver whose test died without killing it.
const driverLifetime = 3 * time.Minute

// TestMain runs the driver when driverVar is set (the test re-executes its
// own binary for that), the tests otherwise.
func TestMain(m *testing.M) {
	if os.Getenv(driverVar) == "1" {
		os.Exit(driverMain())
	}
	os.Exit(m.Run())
}

// driverMain opens the store the environment names and drives engine
// changes until it is killed. On standard output it writes, after each
// Commit that returned nil, one line per record the write stored:
//
//	ack <kind> <record-id> <version>
//
// as one write(2) per Commit, unbuffered, so that every line the parent
// reads is a write the store acknowledged. Before each change it writes
// "begin", so that the parent can tell a kill that interrupted a change
// in flight. Errors go to standard error.
func driverMain() int {
	ctx, cancel := context.WithTimeout(context.Background(), driverLifetime)
	defer cancel()
	seed, _ := strconv.ParseUint(os.Getenv(seedVar), 10, 64)
	tolerate := os.Getenv(tolerateVar) == "1"
	var (
		st      store.Store
		closeSt func()
		err     error
	)
	for {
		st, closeSt, err = openBackend(ctx)
		if err == nil || !tolerate || ctx.Err() != nil {
			break
		}
		fmt.Fprintln(os.Stderr, "driver: open:", err)
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "driver: open:", err)
		return exitSetup
	}
	defer closeSt()
	e, err := newEngine(st, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "driver: engine:", err)
		return exitSetup
	}
	d := &driver{e: e, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	failures := 0
	for ctx.Err() == nil {
		if d.open == nil {
			err = d.load(ctx)
		} else {
			err = d.step(ctx)
		}
		if err == nil {
			failures = 0
			continue
		}
		if ctx.Err() != nil {
			break
		}
		fmt.Fprintln(os.Stderr, "driver:", err)
		if !tolerate {
			return exitFailed
		}
		// The server may be down: read the records again, after a pause
		// growing with the failures, whatever the write did.
		failures++
		d.open = nil
		time.Sleep(time.Duration(min(failures, 10)) * 20 * time.Millisecond)
	}
	fmt.Fprintln(os.Stderr, "driver: deadline reached")
	return exitDeadline
}

// openBackend opens the store the environment names, and returns how to
// close it.
func openBackend(ctx context.Context) (store.Store, func(), error) {
	target := os.Getenv(targetVar)
	switch b := os.Getenv(backendVar); b {
	case "sqlite":
		s, err := sqlite.Open(ctx, target)
		if err != nil {
			return nil, nil, err
		}
		return s, func() { _ = s.Close() }, nil
	case "postgres":
		s, err := postgres.Open(ctx, target, postgres.WithSchema(os.Getenv(schemaVar)))
		if err != nil {
			return nil, nil, err
		}
		return s, s.Close, nil
	default:
		return nil, nil, fmt.Errorf("unknown backend %q", b)
	}
}

// openRecords is how many records the driver keeps in hand at a time.
const openRecords = 5

// maxChanges is the version after which an incident in respond moves on
// instead of taking more changes, so that records reach their close.
const maxChanges = 14

// driver drives a working set of open records through the process.
type driver struct {
	e   *lifecycle.Engine
	rng *rand.Rand
	// open holds the keys of the open records in hand; nil means it must
	// be read from the store (at start, and after a failure).
	open []lifecycle.Key
	// buf is the output line buffer, reused.
	buf []byte
}

// openStates are the states of open records.
var openStates = []incident.State{incident.StateDetection, incident.StateReporting, incident.StateTriage,
	incident.StateAnalysis, incident.StateContainment, incident.StateEradication, incident.StateRecovery,
	incident.StateConclusion}

// load reads the open records of the store into the working set: a
// restarted driver carries on with the records its predecessor left.
func (d *driver) load(ctx context.Context) error {
	open := []lifecycle.Key{}
	for _, kind := range []incident.Kind{incident.KindEvent, incident.KindIncident} {
		for rec, err := range d.e.List(ctx, bob, store.Query{Kind: kind, States: openStates}) {
			if err != nil {
				return err
			}
			open = append(open, lifecycle.KeyOf(rec))
		}
	}
	d.rng.Shuffle(len(open), func(i, j int) { open[i], open[j] = open[j], open[i] })
	d.open = open
	return nil
}

// ack writes the acknowledgement of a write that stored recs.
func (d *driver) ack(recs ...incident.Record) error {
	d.buf = d.buf[:0]
	for _, r := range recs {
		d.buf = fmt.Appendf(d.buf, "ack %s %s %d\n", r.Kind(), r.Head().ID, r.Head().Version)
	}
	_, err := os.Stdout.Write(d.buf)
	return err
}

// step makes one change: it creates an event when fewer than openRecords
// are open, else moves a random open record on by one write.
func (d *driver) step(ctx context.Context) error {
	if _, err := os.Stdout.WriteString("begin\n"); err != nil {
		return err
	}
	if len(d.open) < openRecords {
		ev, err := d.e.Factory().NewEvent(ctx, tenant, "Suspicious process on a host", edr.ID)
		if err != nil {
			return err
		}
		ev.DetectionMethod, ev.Source = "automated-tool", "EDR"
		if err := d.e.Create(ctx, edr, ev); err != nil {
			return fmt.Errorf("create: %w", err)
		}
		d.open = append(d.open, lifecycle.KeyOf(ev))
		return d.ack(ev)
	}
	i := d.rng.IntN(len(d.open))
	k := d.open[i]
	rec, err := d.e.Get(ctx, bob, k)
	if err != nil {
		return fmt.Errorf("get %s %s: %w", k.Kind, k.ID, err)
	}
	written, err := d.advance(ctx, rec)
	if err != nil {
		return fmt.Errorf("%s %s at %s: %w", k.Kind, k.ID, lifecycle.StageOf(rec), err)
	}
	for _, w := range written {
		if w.Head().ID == k.ID && lifecycle.StageOf(w).Closed() {
			d.open = slices.Delete(d.open, i, i+1)
		} else if w.Head().ID != k.ID {
			d.open = append(d.open, lifecycle.KeyOf(w)) // a declared incident
		}
	}
	return d.ack(written...)
}

// severities are those the declared incidents get: high and critical need
// a review before they close, critical a second approver too.
var severities = []incident.Severity{incident.SeverityLow, incident.SeverityMedium, incident.SeverityHigh, incident.SeverityCritical}

// advance makes the next change of rec and returns the records written.
func (d *driver) advance(ctx context.Context, rec incident.Record) ([]incident.Record, error) {
	k := lifecycle.KeyOf(rec)
	one := func(r incident.Record, err error) ([]incident.Record, error) {
		if err != nil {
			return nil, err
		}
		return []incident.Record{r}, nil
	}
	stage := lifecycle.StageOf(rec)
	if rec.Kind() == incident.KindEvent {
		switch stage.State {
		case incident.StateDetection:
			return one(d.e.Transition(ctx, edr, k, lifecycle.ActionReport))
		case incident.StateReporting:
			return one(d.e.Transition(ctx, alice, k, lifecycle.ActionAcknowledge))
		case incident.StateTriage:
			if d.rng.IntN(4) == 0 {
				res, err := d.e.Assess(ctx, alice, k, incident.Assessment{Step: incident.AssessmentFirst,
					Outcome: incident.OutcomeNotIncident, Severity: incident.SeverityLow, Rationale: "a scheduled scan"})
				return one(res.Record, err)
			}
			res, err := d.e.Assess(ctx, alice, k, incident.Assessment{Step: incident.AssessmentFirst,
				Outcome: incident.OutcomeIncident, Severity: severities[d.rng.IntN(len(severities))],
				Priority: incident.P2, Category: category, Rationale: "malware confirmed by the EDR"})
			if err != nil {
				return nil, err
			}
			return []incident.Record{res.Record, res.Declared}, nil
		default: // assessed as no incident
			return one(d.e.Close(ctx, alice, k, lifecycle.Closing{Resolution: incident.ResolutionFalsePositive, Reason: "scheduled scan"}))
		}
	}
	inc, ok := rec.(*incident.Incident)
	if !ok {
		return nil, fmt.Errorf("unexpected %T", rec)
	}
	next := map[incident.State]lifecycle.Action{
		incident.StateAnalysis: lifecycle.ActionContain, incident.StateContainment: lifecycle.ActionEradicate,
		incident.StateEradication: lifecycle.ActionRecover, incident.StateRecovery: lifecycle.ActionConclude,
	}
	switch {
	case stage.State == incident.StateTriage, stage.Phase == incident.PhaseAssessDecide:
		res, err := d.e.Assess(ctx, carol, k, incident.Assessment{Step: incident.AssessmentConfirmation,
			Outcome: incident.OutcomeIncident, Rationale: "confirmed"})
		return one(res.Record, err)
	case stage.Phase == incident.PhaseRespond && stage.State != incident.StateConclusion:
		if inc.Version < maxChanges && d.rng.IntN(2) == 0 {
			return one(d.change(ctx, inc))
		}
		return one(d.e.Transition(ctx, bob, k, next[stage.State]))
	case stage.Phase == incident.PhaseRespond:
		return one(d.e.Transition(ctx, bob, k, lifecycle.ActionLearn))
	}
	// Learn lessons: finish the mandatory task, record a review when the
	// rules need one, close.
	if i := slices.IndexFunc(inc.Tasks, func(t incident.Task) bool { return t.Mandatory && !t.Status.Finished() }); i >= 0 {
		return one(d.e.Apply(ctx, bob, k, lifecycle.SetTask{TaskID: inc.Tasks[i].ID, Status: incident.TaskDone}))
	}
	if (inc.Severity == incident.SeverityHigh || inc.Severity == incident.SeverityCritical) && len(inc.Reviews) == 0 {
		return one(d.e.Apply(ctx, bob, k, lifecycle.AddReview{Review: incident.ReviewRef{ID: "PIR-" + inc.ID.String()[:8]}}))
	}
	return one(d.e.Close(ctx, bob, k, lifecycle.Closing{Resolution: incident.ResolutionTruePositiveWithImpact,
		Reason: "hosts reimaged", Approver: &carol}))
}

// change makes a random change to an incident in respond: a note, a fact
// (personal data arms the report timers), a task with a due time (a timer),
// a task finished, the incident manager handed over.
func (d *driver) change(ctx context.Context, inc *incident.Incident) (incident.Record, error) {
	k := lifecycle.KeyOf(inc)
	switch d.rng.IntN(5) {
	case 1:
		if !inc.Facts.PersonalData.Known() {
			return d.e.Apply(ctx, dana, k, lifecycle.SetFact{Name: "personal_data", Value: true, Source: "dana"})
		}
		return d.e.Apply(ctx, dana, k, lifecycle.SetFact{Name: "data_subjects", Value: 100 + d.rng.IntN(1000), Source: "dana"})
	case 2:
		id := "T-" + strconv.Itoa(len(inc.Tasks)+1)
		return d.e.Apply(ctx, bob, k, lifecycle.AddTask{Task: incident.Task{ID: id, Title: "Check the backups",
			Phase: incident.PhaseRespond, Due: d.e.Now().Add(48 * time.Hour)}})
	case 3:
		if i := slices.IndexFunc(inc.Tasks, func(t incident.Task) bool { return !t.Status.Finished() }); i >= 0 {
			return d.e.Apply(ctx, bob, k, lifecycle.SetTask{TaskID: inc.Tasks[i].ID, Status: incident.TaskDone})
		}
	case 4:
		if _, ok := incident.HolderAt(inc.Roles, incident.RoleIncidentManager, d.e.Now()); !ok {
			return d.e.Apply(ctx, carol, k, lifecycle.HandOver{Role: incident.RoleIncidentManager, To: bob.ID})
		}
	}
	return d.e.Apply(ctx, bob, k, lifecycle.AddNote{Text: "status update " + strconv.Itoa(d.rng.IntN(1e6))})
}

// errDriverExited reports a driver that stopped before it was killed.
var errDriverExited = errors.New("the driver exited by itself")
