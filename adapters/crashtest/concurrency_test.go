package crashtest_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/adapters/postgres"
	"github.com/iso27035/iso27035/adapters/sqlite"
	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/store"
)

// Thirty-two writers make engine changes (notes and tasks) on one store,
// first on three incidents (every change races the others: conflicts),
// then each on an incident of its own (throughput, no conflict). No
// update may be lost: every change that succeeded is in the record and has
// its audit record and notification, and each record's final version is
// 1 plus its successful changes.
func TestConcurrentWritersSQLite(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "writers.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	runWriters(t, s)
}

// TestConcurrentWritersPostgres does the same on PostgreSQL.
func TestConcurrentWritersPostgres(t *testing.T) {
	ctx := context.Background()
	dsn := testDSN(t)
	s, err := postgres.Open(ctx, dsn, postgres.WithSchema(freshSchema(t, dsn)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	runWriters(t, s)
}

const (
	writers = 32
	// hotRecords are the incidents all writers share in the first round.
	hotRecords = 3
	// hotChanges and ownChanges are each writer's successful changes in
	// the two rounds.
	hotChanges = 8
	ownChanges = 10
	// maxConflicts bounds the conflicts one change may meet before the
	// test gives up on it.
	maxConflicts = 1000
)

// change is one successful change: what the writer added, and the version
// the engine returned.
type change struct {
	id      uuid.UUID
	version int64
	note    bool   // a note, else a task
	text    string // the note's text or the task's ID
	noteID  string // the note's ID, from the returned record
}

func runWriters(t *testing.T, st store.Store) {
	for _, round := range []struct {
		name      string
		records   int
		changes   int
		conflicts bool // conflicts are expected
	}{
		{"hot", hotRecords, hotChanges, true},
		{"own", writers, ownChanges, false},
	} {
		t.Run(round.name, func(t *testing.T) {
			ctx := context.Background()
			e, err := newEngine(st, nil)
			if err != nil {
				t.Fatal(err)
			}
			keys := make([]lifecycle.Key, round.records)
			for i := range keys {
				keys[i] = createIncident(t, ctx, e, round.name, i)
			}
			var (
				mu        sync.Mutex
				done      []change
				conflicts int
				wg        sync.WaitGroup
			)
			errs := make([]error, writers)
			start := time.Now()
			for w := range writers {
				wg.Go(func() {
					for n := range round.changes {
						k := keys[w%len(keys)] // its own incident in the second round
						if round.conflicts {
							k = keys[(w+n)%len(keys)]
						}
						text := fmt.Sprintf("%s-w%02d-%02d", round.name, w, n)
						note := n%2 == 0
						for attempt := 0; ; attempt++ {
							if attempt == maxConflicts {
								errs[w] = fmt.Errorf("%s: gave up after %d conflicts", text, attempt)
								return
							}
							var c lifecycle.Change = lifecycle.AddTask{Task: incident.Task{ID: text, Title: "Check host " + text}}
							if note {
								c = lifecycle.AddNote{Text: text}
							}
							rec, err := e.Apply(ctx, bob, k, c)
							if errors.Is(err, store.ErrConflict) {
								mu.Lock()
								conflicts++
								mu.Unlock()
								continue
							}
							if err != nil {
								errs[w] = fmt.Errorf("%s: %w", text, err)
								return
							}
							ch := change{id: k.ID, version: rec.Head().Version, note: note, text: text}
							if note {
								notes := rec.Handle().Notes
								ch.noteID = notes[len(notes)-1].ID
							}
							mu.Lock()
							done = append(done, ch)
							mu.Unlock()
							break
						}
					}
				})
			}
			wg.Wait()
			elapsed := time.Since(start)
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}
			if !round.conflicts && conflicts > 0 {
				t.Errorf("%d conflicts between writers of different records", conflicts)
			}
			checkNoLostUpdate(t, ctx, st, e, keys, done)
			t.Logf("%d writers, %d incidents: %d changes committed, %d store.ErrConflict retried, in %v (%.0f changes/s)",
				writers, len(keys), len(done), conflicts, elapsed.Round(time.Millisecond), float64(len(done))/elapsed.Seconds())
		})
	}
}

// createIncident creates an incident in triage, at version 1.
func createIncident(t *testing.T, ctx context.Context, e *lifecycle.Engine, round string, i int) lifecycle.Key {
	t.Helper()
	ev, err := e.Factory().NewEvent(ctx, tenant, fmt.Sprintf("%s %d", round, i), edr.ID)
	if err != nil {
		t.Fatal(err)
	}
	inc, err := e.Factory().Escalate(ctx, ev)
	if err != nil {
		t.Fatal(err)
	}
	inc.Severity, inc.Category = incident.SeverityMedium, category
	if err := e.Create(ctx, alice, inc); err != nil {
		t.Fatal(err)
	}
	if inc.Version != 1 {
		t.Fatalf("created at version %d", inc.Version)
	}
	return lifecycle.KeyOf(inc)
}

// checkNoLostUpdate checks the records after the writers: versions, the
// records' notes and tasks, the audit records and the notifications.
func checkNoLostUpdate(t *testing.T, ctx context.Context, st store.Store, e *lifecycle.Engine, keys []lifecycle.Key, done []change) {
	t.Helper()
	byRecord := make(map[uuid.UUID][]change)
	for _, c := range done {
		byRecord[c.id] = append(byRecord[c.id], c)
	}
	for _, k := range keys {
		changes := byRecord[k.ID]
		rec, err := st.Get(ctx, tenant, k.Kind, k.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Final version = 1 (the create) + the successful changes, and
		// each success got a version of its own.
		if got, want := rec.Head().Version, int64(1+len(changes)); got != want {
			t.Errorf("LOST UPDATE: incident %s is at version %d after %d successful changes, want %d", k.ID, got, len(changes), want)
		}
		slices.SortFunc(changes, func(a, b change) int { return int(a.version - b.version) })
		for i, c := range changes {
			if c.version != int64(i+2) {
				t.Errorf("LOST UPDATE: incident %s: successful change %d (%s) returned version %d, want %d", k.ID, i+1, c.text, c.version, i+2)
			}
		}
		// Every successful change is in the record, and nothing else.
		h := rec.Handle()
		var notes, tasks []string
		for _, n := range h.Notes {
			notes = append(notes, n.Text)
		}
		for _, task := range h.Tasks {
			if task.ID != playbookTask {
				tasks = append(tasks, task.ID)
			}
		}
		var wantNotes, wantTasks []string
		for _, c := range changes {
			if c.note {
				wantNotes = append(wantNotes, c.text)
			} else {
				wantTasks = append(wantTasks, c.text)
			}
		}
		slices.Sort(notes)
		slices.Sort(tasks)
		slices.Sort(wantNotes)
		slices.Sort(wantTasks)
		if !slices.Equal(notes, wantNotes) || !slices.Equal(tasks, wantTasks) {
			t.Errorf("LOST UPDATE: incident %s holds notes %v and tasks %v; the successful changes added notes %v and tasks %v", k.ID, notes, tasks, wantNotes, wantTasks)
		}
		// Every successful change has its audit record, at its version.
		if _, err := e.Verify(ctx, k); err != nil {
			t.Errorf("AUDIT: incident %s: %v", k.ID, err)
		}
		trail := make(map[uint64]store.AuditRecord)
		for a, err := range st.AuditTrail(ctx, tenant, k.ID, 0) {
			if err != nil {
				t.Fatal(err)
			}
			trail[a.Seq] = a
		}
		for _, c := range changes {
			a, ok := trail[uint64(c.version)]
			want := string(lifecycle.ActionAddTask)
			mark := `"task":"` + c.text + `"`
			if c.note {
				want, mark = string(lifecycle.ActionAddNote), `"note":"`+c.noteID+`"`
			}
			if !ok || a.Action != want || !strings.Contains(string(a.Data), mark) {
				t.Errorf("AUDIT: incident %s: the change %s returned version %d, whose audit record is %s %s", k.ID, c.text, c.version, a.Action, a.Data)
			}
		}
	}
	// One notification per audit record (of these incidents and of the
	// earlier round's).
	stats, err := st.OutboxStats(ctx, tenant, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for r, err := range st.List(ctx, tenant, store.Query{Kind: incident.KindIncident}) {
		if err != nil {
			t.Fatal(err)
		}
		total += int(r.Head().Version)
	}
	if stats.Pending != total {
		t.Errorf("OUTBOX: %d pending notifications for %d audit records", stats.Pending, total)
	}
}
