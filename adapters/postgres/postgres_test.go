package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/adapters/internal/querycheck"
	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
)

// Times are kept to the microsecond and read back in UTC: a time with
// nanoseconds, in another zone, comes back truncated to the microsecond,
// in UTC, and == to the truncated time; a zero time comes back zero.
func TestTimesMicrosecondsUTC(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	zone := time.FixedZone("IST", 5*3600+1800)
	at := time.Date(2026, 3, 14, 14, 30, 0, 123456789, zone)
	want := time.Date(2026, 3, 14, 9, 0, 0, 123456000, time.UTC)

	inc := newIncident(tenant, 1)
	entry := store.OutboxEntry{ID: uuid.Must(uuid.NewV7()), Type: "t", RecordID: inc.ID, Seq: 1, IdempotencyKey: "k", CreatedAt: at}
	tm := store.Timer{Key: "k", RecordID: inc.ID, Kind: "acknowledge", DueAt: at}
	doc := store.Document{Collection: "c", ID: "d", Body: []byte(`{}`), UpdatedAt: at}
	w := &store.Write{Create: []incident.Record{inc}, Audit: []store.AuditRecord{{RecordID: inc.ID, Seq: 1, At: at, Actor: "a", Action: "create"}},
		Outbox: []store.OutboxEntry{entry}, Timers: []store.Timer{tm}, Documents: []store.Document{doc}}
	if err := s.Commit(ctx, tenant, w); err != nil {
		t.Fatal(err)
	}
	check := func(what string, got, want time.Time) {
		t.Helper()
		if got != want || got.Location() != time.UTC {
			t.Errorf("%s: got %v (%v), want %v in UTC", what, got, got.Location(), want)
		}
	}
	now := at.Add(time.Hour)
	got, err := s.Claim(ctx, tenant, now, 1, 30*time.Second)
	if err != nil || len(got) != 1 {
		t.Fatalf("Claim: %v %v", got, err)
	}
	check("outbox CreatedAt", got[0].CreatedAt, want)
	check("outbox NextAttemptAt", got[0].NextAttemptAt, want)
	check("outbox LeaseUntil", got[0].LeaseUntil, now.Add(30*time.Second).Truncate(time.Microsecond).UTC())
	if !got[0].DeadAt.IsZero() || got[0].DeadAt != (time.Time{}) {
		t.Errorf("outbox DeadAt of a live entry: %v, want the zero time", got[0].DeadAt)
	}
	for a, err := range s.AuditTrail(ctx, tenant, inc.ID, 0) {
		if err != nil {
			t.Fatal(err)
		}
		check("audit At", a.At, want)
	}
	gt, err := s.GetTimer(ctx, tenant, "k")
	if err != nil {
		t.Fatal(err)
	}
	check("timer DueAt", gt.DueAt, want)
	if gt.FiredAt != (time.Time{}) {
		t.Errorf("timer FiredAt of an unfired timer: %v, want the zero time", gt.FiredAt)
	}
	gd, err := s.GetDocument(ctx, tenant, "c", "d")
	if err != nil {
		t.Fatal(err)
	}
	check("document UpdatedAt", gd.UpdatedAt, want)

	// A record keeps its times to the nanosecond (they are in its body).
	r, err := s.Get(ctx, tenant, incident.KindIncident, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Head().CreatedAt.Equal(inc.CreatedAt) {
		t.Errorf("record CreatedAt %v, want %v", r.Head().CreatedAt, inc.CreatedAt)
	}
}

// CreatedFrom and CreatedUntil agree with Query.Match to the nanosecond,
// although timestamptz keeps microseconds.
func TestCreatedRangeNanoseconds(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	offsets := []time.Duration{0, 1, 999, time.Microsecond, time.Microsecond + 500, 2*time.Microsecond - 1}
	var recs []incident.Record
	for i, d := range offsets {
		inc := newIncident(tenant, i+1)
		inc.CreatedAt = t0.Add(d)
		recs = append(recs, inc)
	}
	if err := s.Commit(ctx, tenant, &store.Write{Create: recs}); err != nil {
		t.Fatal(err)
	}
	for _, from := range append(offsets, -1, 2, 1000, 2*time.Microsecond) {
		for _, until := range []time.Duration{-1, 0, 1, 500, time.Microsecond, time.Microsecond + 501, time.Hour} {
			q := store.Query{Kind: incident.KindIncident, CreatedFrom: t0.Add(from), CreatedUntil: t0.Add(until)}
			if q.Check() != nil {
				continue
			}
			querycheck.ListCount(t, s, tenant, q, recs, byID, fmt.Sprintf("from +%v until +%v", from, until))
		}
	}
}

// byID sorts IDs as the store lists records of one time: by ID.
func byID(ids []uuid.UUID) {
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
}

// What PostgreSQL text cannot hold: refused in the fields the store
// indexes, not found when asked for, sanitised in a Nack's Reason; free
// text in a record's body is kept whole.
func TestTextLimits(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()

	inc := newIncident(tenant, 1)
	inc.Title = "NUL \x00 inside"
	inc.Description = "and \u2028 \t escapes"
	if err := s.Commit(ctx, tenant, &store.Write{Create: []incident.Record{inc}}); err != nil {
		t.Fatalf("a title holding NUL: %v, want it stored (record bodies are json)", err)
	}
	r, err := s.Get(ctx, tenant, incident.KindIncident, inc.ID)
	if err != nil || r.Handle().Title != inc.Title || r.Handle().Description != inc.Description {
		t.Errorf("the title holding NUL came back as %q, %v", r.Handle().Title, err)
	}

	for what, w := range map[string]*store.Write{
		"a label holding NUL": {Create: []incident.Record{func() incident.Record {
			bad := newIncident(tenant, 2)
			bad.Labels = []string{"a\x00b"}
			return bad
		}()}},
		"a state of invalid UTF-8": {Create: []incident.Record{func() incident.Record {
			bad := newIncident(tenant, 3)
			bad.State = "\xff"
			return bad
		}()}},
		"a timer key holding NUL":            {Timers: []store.Timer{{Key: "k\x00", DueAt: t0}}},
		"a document index value holding NUL": {Documents: []store.Document{{Collection: "c", ID: "d", Body: []byte(`{}`), Index: map[string]string{"k": "\x00"}}}},
		"an outbox type of invalid UTF-8":    {Outbox: []store.OutboxEntry{{ID: uuid.Must(uuid.NewV7()), Type: "\xc3", IdempotencyKey: "k"}}},
		"a time beyond PostgreSQL's range":   {Timers: []store.Timer{{Key: "far", DueAt: time.Date(300000, 1, 1, 0, 0, 0, 0, time.UTC)}}},
	} {
		if err := s.Commit(ctx, tenant, w); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("Commit of %s: %v, want ErrInvalid", what, err)
		}
	}
	if n, err := s.Count(ctx, tenant, store.Query{Kind: incident.KindIncident}); err != nil || n != 1 {
		t.Errorf("Count after the refused Commits: %d %v, want 1", n, err)
	}

	if _, err := s.GetTimer(ctx, tenant, "k\x00"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetTimer of a key holding NUL: %v, want ErrNotFound", err)
	}
	if _, err := s.GetDocument(ctx, tenant, "c", "\xff"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetDocument of an ID of invalid UTF-8: %v, want ErrNotFound", err)
	}
	if _, err := s.Get(ctx, "acme\x00", incident.KindIncident, inc.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get in a tenant holding NUL: %v, want ErrNotFound", err)
	}
	for _, q := range []store.Query{
		{Kind: incident.KindIncident, States: []incident.State{"\x00"}},
		{Kind: incident.KindIncident, Labels: []string{"\xff"}},
		{Kind: incident.KindIncident, Categories: []incident.Category{{Class: "\x00"}}},
	} {
		if n, err := s.Count(ctx, tenant, q); err != nil || n != 0 {
			t.Errorf("Count of a query naming unstorable text: %d %v, want 0", n, err)
		}
		for r, err := range s.List(ctx, tenant, q) {
			t.Errorf("List of a query naming unstorable text yielded %v %v", r, err)
		}
	}
	for d, err := range s.ListDocuments(ctx, tenant, "c", map[string]string{"k": "\x00"}) {
		t.Errorf("ListDocuments matching unstorable text yielded %v %v", d, err)
	}
	// Mixed: the storable values of a list still match.
	q := store.Query{Kind: incident.KindIncident, States: []incident.State{"\x00", incident.StateTriage}}
	if n, err := s.Count(ctx, tenant, q); err != nil || n != 1 {
		t.Errorf("Count of States [NUL, triage]: %d %v, want 1", n, err)
	}

	entry := store.OutboxEntry{ID: uuid.Must(uuid.NewV7()), Type: "t", RecordID: inc.ID, Seq: 1, IdempotencyKey: "k", CreatedAt: t0}
	if err := s.Commit(ctx, tenant, &store.Write{Outbox: []store.OutboxEntry{entry}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Claim(ctx, tenant, t0, 1, time.Minute)
	if err != nil || len(got) != 1 {
		t.Fatalf("Claim: %v %v", got, err)
	}
	if err := s.Ack(ctx, tenant, entry.ID, "\x00"); !errors.Is(err, store.ErrLeaseLost) {
		t.Errorf("Ack with a lease holding NUL: %v, want ErrLeaseLost", err)
	}
	if err := s.Nack(ctx, tenant, entry.ID, got[0].Lease, store.Failure{Now: t0, RetryAt: t0, Reason: "bad \xff body \x00"}); err != nil {
		t.Fatalf("Nack with a reason PostgreSQL text cannot hold: %v, want it recorded", err)
	}
	again, err := s.Claim(ctx, tenant, t0, 1, time.Minute)
	if err != nil || len(again) != 1 || again[0].LastError != "bad \uFFFD body \uFFFD" {
		t.Errorf("LastError after the Nack: %+v %v, want the reason with U+FFFD", again, err)
	}
}

// A record's unknown fields (Extra), kept by the stored-mode decoder, come
// back from Get and List.
func TestExtraFieldsKept(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	inc := newIncident(tenant, 1)
	inc.Extra = map[string]json.RawMessage{"x_host": json.RawMessage(`{"ticket":"OPS-1","n":[1,2.5]}`)}
	if err := s.Commit(ctx, tenant, &store.Write{Create: []incident.Record{inc}}); err != nil {
		t.Fatal(err)
	}
	r, err := s.Get(ctx, tenant, incident.KindIncident, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := r.(*incident.Incident); !ok || string(got.Extra["x_host"]) != `{"ticket":"OPS-1","n":[1,2.5]}` {
		t.Errorf("Extra after Get: %+v", r)
	}
	for r, err := range s.List(ctx, tenant, store.Query{Kind: incident.KindIncident}) {
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := r.(*incident.Incident); !ok || got.Extra["x_host"] == nil {
			t.Errorf("Extra after List: missing from %+v", r)
		}
	}
}
