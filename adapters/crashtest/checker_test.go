package crashtest_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/adapters/sqlite"
	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/store"
)

// recorder is a reporter that keeps the failures instead of failing the
// test; Fatal and FailNow end the check with errStopped.
type recorder struct {
	msgs []string
}

var errStopped = errors.New("check stopped")

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatal(args ...any) {
	r.msgs = append(r.msgs, fmt.Sprint(args...))
	panic(errStopped)
}
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...); panic(errStopped) }
func (r *recorder) Failed() bool                      { return len(r.msgs) > 0 }
func (r *recorder) FailNow()                          { panic(errStopped) }

// run runs check, returning what it reported.
func (r *recorder) run(check func()) (msgs []string) {
	defer func() {
		if p := recover(); p != nil && p != errStopped { //nolint:errorlint // the sentinel itself
			panic(p)
		}
		msgs = r.msgs
	}()
	check()
	return nil
}

// TestCheckerCatchesViolations breaks a store in the ways a crash could
// and shows that the checks of the crash tests report each: they are not
// vacuous.
func TestCheckerCatchesViolations(t *testing.T) {
	for _, tc := range []struct {
		name   string
		want   string // a failure must say this
		tamper func(t *testing.T, ctx context.Context, st store.Store, a *acks, ev *incident.Event)
	}{
		{"clean store", "", func(*testing.T, context.Context, store.Store, *acks, *incident.Event) {}},
		{"acknowledged write lost", "LOST WRITE", func(_ *testing.T, _ context.Context, _ store.Store, a *acks, ev *incident.Event) {
			a.byID[ev.ID] = ack{kind: ev.Kind(), version: ev.Version + 1}
		}},
		{"change without audit record", "AUDIT: event", func(t *testing.T, ctx context.Context, st store.Store, _ *acks, ev *incident.Event) {
			ev.Title = "changed around the engine"
			commit(t, ctx, st, &store.Write{Update: []incident.Record{ev}})
		}},
		{"audit record without notification", "was audited but not notified", func(t *testing.T, ctx context.Context, st store.Store, _ *acks, ev *incident.Event) {
			var prev store.AuditRecord
			for a, err := range st.AuditTrail(ctx, tenant, ev.ID, 0) {
				if err != nil {
					t.Fatal(err)
				}
				prev = a
			}
			a := store.AuditRecord{RecordID: ev.ID, At: prev.At, Actor: bob.ID, Action: string(lifecycle.ActionAddNote)}
			if err := lifecycle.SealAuditRecord(&prev, &a); err != nil {
				t.Fatal(err)
			}
			commit(t, ctx, st, &store.Write{Update: []incident.Record{ev}, Audit: []store.AuditRecord{a}})
		}},
		{"notification without audit record", "was notified but not audited", func(t *testing.T, ctx context.Context, st store.Store, _ *acks, ev *incident.Event) {
			key := fmt.Sprintf("%s/%d", ev.ID, ev.Version+1)
			commit(t, ctx, st, &store.Write{Outbox: []store.OutboxEntry{{ID: uuid.New(), Type: "lifecycle.add_note",
				RecordID: ev.ID, Seq: uint64(ev.Version + 1), IdempotencyKey: key, CreatedAt: ev.UpdatedAt}}})
		}},
		{"timer of a missing record", "which does not exist", func(t *testing.T, ctx context.Context, st store.Store, _ *acks, ev *incident.Event) {
			id := uuid.New()
			commit(t, ctx, st, &store.Write{Timers: []store.Timer{{Key: id.String() + "/acknowledge", RecordID: id,
				Kind: lifecycle.TimerAcknowledge, DueAt: ev.UpdatedAt}}})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "checker.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			e, err := newEngine(st, nil)
			if err != nil {
				t.Fatal(err)
			}
			a := newAcks()
			ev, err := e.Factory().NewEvent(ctx, tenant, "checked", edr.ID)
			if err != nil {
				t.Fatal(err)
			}
			if err := e.Create(ctx, edr, ev); err != nil {
				t.Fatal(err)
			}
			if err := a.add(fmt.Sprintf("ack event %s 1", ev.ID)); err != nil {
				t.Fatal(err)
			}
			tc.tamper(t, ctx, st, a, ev)

			r := &recorder{}
			msgs := r.run(func() { newChecker(t, a).check(r, ctx, st) })
			if tc.want == "" {
				if len(msgs) > 0 {
					t.Fatalf("a clean store fails the checks:\n%s", strings.Join(msgs, "\n"))
				}
				return
			}
			for _, m := range msgs {
				if strings.Contains(m, tc.want) {
					t.Logf("reported: %s", m)
					return
				}
			}
			t.Fatalf("not reported as %s; the checks said:\n%s", tc.want, strings.Join(msgs, "\n"))
		})
	}
}

// commit commits w around the engine, as a broken store or writer would.
func commit(t *testing.T, ctx context.Context, st store.Store, w *store.Write) {
	t.Helper()
	if err := st.Commit(ctx, tenant, w); err != nil {
		t.Fatal(err)
	}
}
