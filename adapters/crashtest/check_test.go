package crashtest_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/store"
)

// reporter is the part of *testing.T the checks use, so that a test can
// run them on a store it broke on purpose and see them fail.
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Failed() bool
	FailNow()
}

// checker checks a store after a crash against what the drivers
// acknowledged, and keeps the checkpoints it signed.
type checker struct {
	acks *acks
	priv ed25519.PrivateKey
	pub  ed25519.PublicKey
	// checkpoints are the checkpoints signed after the earlier crashes;
	// each emitted one outbox entry.
	checkpoints []*lifecycle.Checkpoint
	// crashes counts the crashes so far (of a driver or of the server):
	// each may leave one Commit (of at most two records) stored but not
	// acknowledged, as the driver makes one at a time.
	crashes int
}

func newChecker(t *testing.T, a *acks) *checker {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &checker{acks: a, priv: priv, pub: pub}
}

// summary is what a check found, for the test's log.
type summary struct {
	records, events, incidents, closed int
	audit                              int // audit records
	outbox                             int // outbox entries
	timers                             int // unfired timers
	unacked                            int // stored writes never acknowledged
}

func (s summary) String() string {
	return fmt.Sprintf("%d records (%d events, %d incidents, %d closed), %d audit records, %d outbox entries, %d timers, %d writes stored but unacknowledged",
		s.records, s.events, s.incidents, s.closed, s.audit, s.outbox, s.timers, s.unacked)
}

// auditInfo is what the outbox check needs of an audit record.
type auditInfo struct {
	action string
	at     time.Time
}

// resultKey is the idempotency key of the notification of an audit
// record: "<record-id>/<seq>".
var resultKey = regexp.MustCompile(`^([0-9a-f-]{36})/([0-9]+)$`)

// lessonsKey is that of a lessons-learned notification.
var lessonsKey = regexp.MustCompile(`^([0-9a-f-]{36})/lessons/`)

// check verifies every invariant of the store after a crash (with no
// driver running), then signs a checkpoint over it. It fails the test
// with every violation it finds.
func (c *checker) check(t reporter, ctx context.Context, st store.Store) summary {
	t.Helper()
	var sum summary
	e, err := newEngine(st, c.priv)
	if err != nil {
		t.Fatal(err)
	}

	// Every record.
	recs := make(map[uuid.UUID]incident.Record)
	for _, kind := range []incident.Kind{incident.KindEvent, incident.KindIncident, incident.KindVulnerability} {
		for r, err := range st.List(ctx, tenant, store.Query{Kind: kind}) {
			if err != nil {
				t.Fatalf("listing the %s records: %v", kind, err)
			}
			recs[r.Head().ID] = r
			switch kind {
			case incident.KindEvent:
				sum.events++
			case incident.KindIncident:
				sum.incidents++
			}
			if lifecycle.StageOf(r).Closed() {
				sum.closed++
			}
		}
	}
	sum.records = len(recs)

	// (a) Every acknowledged write is there; a stored write not
	// acknowledged is one a crash interrupted after its Commit.
	for id, a := range c.acks.byID {
		r, ok := recs[id]
		switch {
		case !ok:
			t.Errorf("LOST WRITE: %s %s was acknowledged at version %d but is not in the store", a.kind, id, a.version)
		case r.Kind() != a.kind:
			t.Errorf("%s %s was acknowledged as a %s", r.Kind(), id, a.kind)
		case r.Head().Version < a.version:
			t.Errorf("LOST WRITE: %s %s was acknowledged at version %d but the store has version %d", a.kind, id, a.version, r.Head().Version)
		}
	}
	// Each crash leaves at most one Commit stored but unacknowledged (a
	// record may collect several, from several crashes).
	for id, r := range recs {
		sum.unacked += int(r.Head().Version - c.acks.byID[id].version)
	}
	if sum.unacked > 2*c.crashes {
		t.Errorf("%d writes stored but not acknowledged after %d crashes: each crash interrupts at most one Commit of at most two records", sum.unacked, c.crashes)
	}

	// (b) Every audit chain verifies and ends at its record's version.
	audit := make(map[string]auditInfo)
	for id, r := range recs {
		head, err := e.Verify(ctx, lifecycle.KeyOf(r))
		if err != nil {
			t.Errorf("AUDIT: %s %s at version %d: %v", r.Kind(), id, r.Head().Version, err)
			continue
		}
		if int64(head.Seq) != r.Head().Version {
			t.Errorf("AUDIT: %s %s at version %d has a chain of %d", r.Kind(), id, r.Head().Version, head.Seq)
		}
		n := uint64(0)
		for a, err := range st.AuditTrail(ctx, tenant, id, 0) {
			if err != nil {
				t.Fatalf("audit trail of %s: %v", id, err)
			}
			n++
			if a.Seq != n {
				t.Errorf("AUDIT: %s %s: record %d has Seq %d", r.Kind(), id, n, a.Seq)
			}
			audit[id.String()+"/"+strconv.FormatUint(a.Seq, 10)] = auditInfo{action: a.Action, at: a.At}
		}
	}
	sum.audit = len(audit)

	// (c) One notification per audit record, and nothing else than the
	// lessons learned and the checkpoints.
	sum.outbox = c.checkOutbox(t, ctx, st, recs, audit)

	// The timers the records name, and no timer of a missing record.
	sum.timers = checkTimers(t, ctx, st, recs)

	// (d) The checkpoints signed after the earlier crashes still verify
	// (nothing they covered was lost or rewritten), and one signed now.
	for i, cp := range c.checkpoints {
		if err := lifecycle.VerifyStore(ctx, st, cp); err != nil {
			t.Errorf("CHECKPOINT: the checkpoint signed after crash %d no longer verifies: %v", i+1, err)
		}
	}
	if t.Failed() {
		t.FailNow() // the engine would refuse to sign
	}
	cp, err := e.Checkpoint(ctx)
	if err != nil {
		t.Fatalf("CHECKPOINT: signing: %v", err)
	}
	if err := lifecycle.VerifyCheckpoint(cp, c.pub); err != nil {
		t.Fatalf("CHECKPOINT: signature: %v", err)
	}
	if cp.Count != len(recs) {
		t.Errorf("CHECKPOINT: over %d chains, want %d", cp.Count, len(recs))
	}
	if err := lifecycle.VerifyStore(ctx, st, cp); err != nil {
		t.Fatalf("CHECKPOINT: the store does not verify against a checkpoint signed now: %v", err)
	}
	c.checkpoints = append(c.checkpoints, cp)
	return sum
}

// checkOutbox claims every entry of the outbox (nobody delivers them, so
// all are pending), checks them against the audit records, and releases
// them again. It returns the number of entries.
func (c *checker) checkOutbox(t reporter, ctx context.Context, st store.Store, recs map[uuid.UUID]incident.Record, audit map[string]auditInfo) int {
	t.Helper()
	// Closed from learn lessons: one lessons-learned notification each.
	lessons := make(map[uuid.UUID]int)
	for id, r := range recs {
		if s := lifecycle.StageOf(r); s.Closed() && s.Phase == incident.PhaseLearnLessons {
			lessons[id] = 0
		}
	}
	want := len(audit) + len(lessons) + len(c.checkpoints)
	now := time.Now()
	stats, err := st.OutboxStats(ctx, tenant, now)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Pending != want || stats.Dead != 0 || stats.Leased != 0 {
		t.Errorf("OUTBOX: %d pending (%d leased), %d dead; want %d pending: %d audit records, %d lessons learned, %d checkpoints",
			stats.Pending, stats.Leased, stats.Dead, want, len(audit), len(lessons), len(c.checkpoints))
	}

	// Claim everything, at a time after every entry's creation.
	var all []store.OutboxEntry
	for {
		batch, err := st.Claim(ctx, tenant, now.Add(time.Hour), 500, time.Hour)
		if err != nil {
			t.Fatalf("claiming the outbox: %v", err)
		}
		all = append(all, batch...)
		if len(batch) < 500 {
			break
		}
	}
	defer func() {
		for _, en := range all {
			err := st.Nack(ctx, tenant, en.ID, en.Lease, store.Failure{Now: now, RetryAt: en.CreatedAt, Release: true})
			if err != nil {
				t.Fatalf("releasing outbox entry %s: %v", en.ID, err)
			}
		}
	}()

	seen := make(map[string]int)
	checkpoints := 0
	for _, en := range all {
		key := en.IdempotencyKey
		seen[key]++
		if seen[key] > 1 {
			t.Errorf("OUTBOX: idempotency key %q on %d entries", key, seen[key])
			continue
		}
		switch {
		case strings.HasPrefix(key, "checkpoint/"):
			checkpoints++
			if en.Type != lifecycle.TypeCheckpoint {
				t.Errorf("OUTBOX: %q has type %q", key, en.Type)
			}
		case lessonsKey.MatchString(key):
			id := uuid.MustParse(lessonsKey.FindStringSubmatch(key)[1])
			if _, ok := lessons[id]; !ok || en.Type != lifecycle.TypeLessonsLearned {
				t.Errorf("OUTBOX: %q (%s) names no incident closed from learn lessons", key, en.Type)
				continue
			}
			lessons[id]++
		case resultKey.MatchString(key):
			a, ok := audit[key]
			if !ok {
				// Say whether the audit record is there now: then it was
				// committed after the audit trails were read.
				now := "it is still missing"
				for x, err := range st.AuditTrail(ctx, tenant, en.RecordID, en.Seq-1) {
					if err == nil && x.Seq == en.Seq {
						now = "it is there when read again: committed after the trails were read"
					}
					break
				}
				t.Errorf("OUTBOX: notification %q (%s) has no audit record: a change was notified but not audited (%s)", key, en.Type, now)
				continue
			}
			m := resultKey.FindStringSubmatch(key)
			if en.RecordID.String() != m[1] || strconv.FormatUint(en.Seq, 10) != m[2] ||
				en.Type != lifecycle.TypePrefix+a.action || !en.CreatedAt.Equal(a.at) {
				t.Errorf("OUTBOX: notification %q (%s, record %s, seq %d, at %v) does not match its audit record (%s at %v)",
					key, en.Type, en.RecordID, en.Seq, en.CreatedAt, a.action, a.at)
			}
		default:
			t.Errorf("OUTBOX: unexpected idempotency key %q (%s)", key, en.Type)
		}
	}
	for key, a := range audit {
		if seen[key] == 0 {
			t.Errorf("OUTBOX: audit record %s (%s) has no notification: a change was audited but not notified", key, a.action)
		}
	}
	for id, n := range lessons {
		if n != 1 {
			t.Errorf("OUTBOX: incident %s closed from learn lessons has %d lessons-learned notifications, want 1", id, n)
		}
	}
	if checkpoints != len(c.checkpoints) {
		t.Errorf("OUTBOX: %d checkpoint notifications, want %d", checkpoints, len(c.checkpoints))
	}
	return len(all)
}

// checkTimers checks the timers against the records: every event has its
// acknowledge timer (armed by its Create), every unfinished task with a
// due time and every open report obligation has its timers, with the due
// time the record says, and every unfired timer names a record (and a
// task of it) that exists. It returns the number of unfired timers.
func checkTimers(t reporter, ctx context.Context, st store.Store, recs map[uuid.UUID]incident.Record) int {
	t.Helper()
	want := func(r incident.Record, key string, due time.Time) {
		tm, err := st.GetTimer(ctx, tenant, key)
		switch {
		case errors.Is(err, store.ErrNotFound):
			t.Errorf("TIMER: %s %s at version %d has no timer %q", r.Kind(), r.Head().ID, r.Head().Version, key)
		case err != nil:
			t.Fatal(err)
		case tm.RecordID != r.Head().ID:
			t.Errorf("TIMER: %q names record %s", key, tm.RecordID)
		case !due.IsZero() && !tm.DueAt.Equal(due):
			t.Errorf("TIMER: %q is due at %v, the record says %v", key, tm.DueAt, due)
		}
	}
	for id, r := range recs {
		if r.Kind() == incident.KindEvent {
			want(r, id.String()+"/"+lifecycle.TimerAcknowledge, time.Time{})
		}
		inc, ok := r.(*incident.Incident)
		if !ok {
			continue
		}
		for _, task := range inc.Tasks {
			if !task.Due.IsZero() {
				want(r, id.String()+"/task/"+task.ID, task.Due)
			}
		}
		for _, o := range inc.Obligations {
			if o.SubmittedAt.IsZero() && o.Waived == "" && !o.Due.IsZero() {
				want(r, id.String()+"/report/"+o.ID+"/overdue", o.Deadline())
				want(r, id.String()+"/report/"+o.ID+"/due_soon", o.Due.Add(-reportDueSoon))
			}
		}
	}
	due, err := st.DueTimers(ctx, tenant, time.Now().AddDate(10, 0, 0), 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	for _, tm := range due {
		r, ok := recs[tm.RecordID]
		if !ok {
			t.Errorf("TIMER: %q names record %s, which does not exist", tm.Key, tm.RecordID)
			continue
		}
		if task, ok := strings.CutPrefix(tm.Key, tm.RecordID.String()+"/task/"); ok && !hasTask(r, task) {
			t.Errorf("TIMER: %q names task %s, which %s %s does not have", tm.Key, task, r.Kind(), r.Head().ID)
		}
		if rest, ok := strings.CutPrefix(tm.Key, tm.RecordID.String()+"/report/"); ok {
			o, _, _ := strings.Cut(rest, "/")
			if !hasObligation(r, o) {
				t.Errorf("TIMER: %q names obligation %s, which %s %s does not have", tm.Key, o, r.Kind(), r.Head().ID)
			}
		}
	}
	return len(due)
}

func hasObligation(r incident.Record, id string) bool {
	inc, ok := r.(*incident.Incident)
	if !ok {
		return false
	}
	for _, o := range inc.Obligations {
		if o.ID == id {
			return true
		}
	}
	return false
}

// reportDueSoon is Rules.ReportDueSoon of the default rules.
var reportDueSoon = time.Duration(lifecycle.DefaultRules().ReportDueSoon)

func hasTask(r incident.Record, id string) bool {
	for _, t := range r.Handle().Tasks {
		if t.ID == id {
			return true
		}
	}
	return false
}
