package incident_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
)

// Shared fixtures of the domain-model tests (identity, timeline, facts,
// evidence, data protection, values). The dm prefix keeps them apart from
// helpers other test files of the package define.

// dmNow is the fixed instant the tests' clocks return, in UTC.
var dmNow = time.Date(2026, time.March, 14, 9, 20, 30, 123456000, time.UTC)

// dmEventID and dmIncidentID are the first two IDs dmIDSource hands out.
var (
	dmEventID    = uuid.MustParse("0195a000-0000-7000-8000-000000000001")
	dmIncidentID = uuid.MustParse("0195a000-0000-7000-8000-000000000002")
)

// dmClock is a Clock that always returns t.
func dmClock(t time.Time) incident.Clock { return incident.ClockFunc(func() time.Time { return t }) }

// dmIDSource hands out ids in order and fails once they run out.
func dmIDSource(ids ...uuid.UUID) incident.IDSource {
	var mu sync.Mutex
	return incident.IDFunc(func() (uuid.UUID, error) {
		mu.Lock()
		defer mu.Unlock()
		if len(ids) == 0 {
			return uuid.Nil, errors.New("dmIDSource: out of ids")
		}
		id := ids[0]
		ids = ids[1:]
		return id, nil
	})
}

// dmFactory is a Factory with a fixed clock (dmNow), the ids dmEventID and
// dmIncidentID in that order, and a fresh MemorySequence.
func dmFactory() *incident.Factory {
	return incident.NewFactory(
		incident.WithClock(dmClock(dmNow)),
		incident.WithIDs(dmIDSource(dmEventID, dmIncidentID)),
		incident.WithSequence(&incident.MemorySequence{}),
	)
}

// seqFunc adapts a function to incident.Sequence.
type dmSeqFunc func(ctx context.Context, org string, kind incident.Kind, year int) (uint64, error)

func (f dmSeqFunc) Next(ctx context.Context, org string, kind incident.Kind, year int) (uint64, error) {
	return f(ctx, org, kind, year)
}

func TestFormatRef(t *testing.T) {
	tests := []struct {
		name string
		kind incident.Kind
		year int
		n    uint64
		want incident.Ref
	}{
		{"event", incident.KindEvent, 2026, 1, "EVT-2026-000001"},
		{"incident", incident.KindIncident, 2026, 42, "INC-2026-000042"},
		{"vulnerability", incident.KindVulnerability, 2026, 7, "VUL-2026-000007"},
		{"six digits exactly", incident.KindIncident, 2026, 999999, "INC-2026-999999"},
		{"padding five digits", incident.KindIncident, 2026, 12345, "INC-2026-012345"},
		{"seven digits unpadded", incident.KindIncident, 2026, 1234567, "INC-2026-1234567"},
		{"max uint64", incident.KindIncident, 2026, math.MaxUint64, "INC-2026-18446744073709551615"},
		{"first four-digit year", incident.KindEvent, 1000, 1, "EVT-1000-000001"},
		{"last four-digit year", incident.KindEvent, 9999, 1, "EVT-9999-000001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := incident.FormatRef(tt.kind, tt.year, tt.n)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestFormatRefErrors(t *testing.T) {
	tests := []struct {
		name     string
		kind     incident.Kind
		year     int
		n        uint64
		sentinel error
		rule     incident.Rule
	}{
		{"year 999", incident.KindIncident, 999, 1, incident.ErrFormat, incident.RuleRefFormat},
		{"year 10000", incident.KindIncident, 10000, 1, incident.ErrFormat, incident.RuleRefFormat},
		{"negative year", incident.KindIncident, -2026, 1, incident.ErrFormat, incident.RuleRefFormat},
		{"n zero", incident.KindIncident, 2026, 0, incident.ErrFormat, incident.RuleRefFormat},
		{"unknown kind", incident.Kind("case"), 2026, 1, incident.ErrUnknownValue, incident.RuleEnum},
		{"empty kind", incident.Kind(""), 2026, 1, incident.ErrUnknownValue, incident.RuleEnum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := incident.FormatRef(tt.kind, tt.year, tt.n)
			require.Error(t, err)
			assert.Empty(t, got)
			assert.ErrorIs(t, err, tt.sentinel)
			assert.ErrorIs(t, err, incident.ErrInvalid)
			var fe *incident.FieldError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tt.rule, fe.Rule)
		})
	}
}

func TestRefParse(t *testing.T) {
	tests := []struct {
		ref  incident.Ref
		kind incident.Kind
		year int
		n    uint64
	}{
		{"EVT-2026-000001", incident.KindEvent, 2026, 1},
		{"INC-2026-000042", incident.KindIncident, 2026, 42},
		{"VUL-1999-999999", incident.KindVulnerability, 1999, 999999},
		{"INC-2026-1234567", incident.KindIncident, 2026, 1234567},
		{"INC-2026-18446744073709551615", incident.KindIncident, 2026, math.MaxUint64},
	}
	for _, tt := range tests {
		t.Run(string(tt.ref), func(t *testing.T) {
			kind, year, n, err := tt.ref.Parse()
			require.NoError(t, err)
			assert.Equal(t, tt.kind, kind)
			assert.Equal(t, tt.year, year)
			assert.Equal(t, tt.n, n)
		})
	}
}

// TestRefRoundTrip is a property over many numbers and years:
// Parse(FormatRef(k, y, n)) == (k, y, n).
func TestRefRoundTrip(t *testing.T) {
	kinds := []incident.Kind{incident.KindEvent, incident.KindIncident, incident.KindVulnerability}
	years := []int{1000, 1001, 1970, 1999, 2000, 2026, 2099, 5000, 9998, 9999}
	var ns []uint64
	for p := uint64(1); p <= 1e19; p *= 10 { // 1, 10, … 10^19
		ns = append(ns, p-1, p, p+1)
		if p > math.MaxUint64/10 {
			break
		}
	}
	ns = append(ns, 42, 999999, 1000000, 1234567, math.MaxUint64-1, math.MaxUint64)
	// A deterministic pseudo-random spread on top (xorshift64).
	x := uint64(0x9E3779B97F4A7C15)
	for range 200 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		ns = append(ns, x, x>>20, x>>40)
	}
	checked := 0
	for _, k := range kinds {
		for _, y := range years {
			for _, n := range ns {
				if n == 0 {
					continue
				}
				ref, err := incident.FormatRef(k, y, n)
				require.NoError(t, err, "FormatRef(%s, %d, %d)", k, y, n)
				gk, gy, gn, err := ref.Parse()
				require.NoError(t, err, "Parse(%s)", ref)
				require.Equal(t, k, gk, "kind of %s", ref)
				require.Equal(t, y, gy, "year of %s", ref)
				require.Equal(t, n, gn, "number of %s", ref)
				checked++
			}
		}
	}
	assert.Greater(t, checked, 10000)
}

func TestRefParseRejects(t *testing.T) {
	tests := []struct {
		name string
		ref  incident.Ref
	}{
		{"empty", ""},
		{"wrong prefix", "CAS-2026-000001"},
		{"lowercase prefix", "inc-2026-000001"},
		{"mixed case prefix", "Inc-2026-000001"},
		{"missing first dash", "INC2026-0000001"},
		{"missing second dash", "INC-20260-000001"},
		{"no dashes", "INC2026000001xx"},
		{"underscores", "INC_2026_000001"},
		{"five digits", "INC-2026-00001"},
		{"non-digit number", "INC-2026-00004a"},
		{"non-digit year", "INC-20x6-000001"},
		{"signed number", "INC-2026-+00001"},
		{"space in number", "INC-2026-000 01"},
		{"leading zeros beyond six digits", "INC-2026-0000042"},
		{"leading zero on seven digits", "INC-2026-0123456"},
		{"zero", "INC-2026-000000"},
		{"overflow", "INC-2026-18446744073709551616"},
		{"twenty-one digits", "INC-2026-100000000000000000000"},
		{"trailing space", "INC-2026-000001 "},
		{"leading space", " INC-2026-000001"},
		{"non-ASCII digit", "INC-2026-00000١"},
		{"non-ASCII year", "INC-２０26-000001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, year, n, err := tt.ref.Parse()
			require.Error(t, err)
			assert.ErrorIs(t, err, incident.ErrFormat)
			assert.ErrorIs(t, err, incident.ErrInvalid)
			var fe *incident.FieldError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, incident.RuleRefFormat, fe.Rule)
			assert.Equal(t, "ref", fe.Path)
			assert.Empty(t, kind)
			assert.Zero(t, year)
			assert.Zero(t, n)
		})
	}
}

// TestRefParseRejectsYearsFormatRefRejects: Parse must not accept a
// reference FormatRef can never produce.
func TestRefParseRejectsYearsFormatRefRejects(t *testing.T) {
	for _, ref := range []incident.Ref{"INC-0000-000001", "INC-0999-000001", "EVT-0026-000001"} {
		t.Run(string(ref), func(t *testing.T) {
			_, _, _, err := ref.Parse()
			assert.ErrorIs(t, err, incident.ErrFormat)
		})
	}
}

// FuzzParseRef: Parse never panics, and whatever it accepts is exactly the
// canonical reference FormatRef builds from the parts.
func FuzzParseRef(f *testing.F) {
	for _, s := range []string{
		"INC-2026-000042", "EVT-1000-000001", "VUL-9999-999999", "INC-2026-1234567",
		"INC-2026-18446744073709551615", "INC-2026-18446744073709551616", "INC-2026-0000042",
		"INC-2026-000000", "inc-2026-000001", "INC-2026-00001", "INC-0999-000001", "", "INC-",
		"INC-2026-", "INC-2026-00004a", "INC-２０26-000001",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		kind, year, n, err := incident.Ref(s).Parse()
		if err != nil {
			if !errors.Is(err, incident.ErrFormat) {
				t.Fatalf("Parse(%q) error %v does not wrap ErrFormat", s, err)
			}
			return
		}
		ref, ferr := incident.FormatRef(kind, year, n)
		if ferr != nil {
			t.Fatalf("Parse(%q) = (%s, %d, %d) but FormatRef fails: %v", s, kind, year, n, ferr)
		}
		if string(ref) != s {
			t.Fatalf("Parse(%q) = (%s, %d, %d) but FormatRef gives %q", s, kind, year, n, ref)
		}
	})
}

func TestMemorySequenceCountersAreIndependent(t *testing.T) {
	ctx := context.Background()
	var seq incident.MemorySequence // the zero value is ready to use
	steps := []struct {
		name string
		org  string
		kind incident.Kind
		year int
		want uint64
	}{
		{"acme incident 2026 first", "acme", incident.KindIncident, 2026, 1},
		{"acme incident 2026 second", "acme", incident.KindIncident, 2026, 2},
		{"acme event 2026 own counter", "acme", incident.KindEvent, 2026, 1},
		{"acme incident 2027 own counter", "acme", incident.KindIncident, 2027, 1},
		{"globex incident 2026 own counter", "globex", incident.KindIncident, 2026, 1},
		{"acme incident 2026 third", "acme", incident.KindIncident, 2026, 3},
		{"acme vulnerability 2026 own counter", "acme", incident.KindVulnerability, 2026, 1},
		{"acme event 2026 second", "acme", incident.KindEvent, 2026, 2},
		{"globex incident 2026 second", "globex", incident.KindIncident, 2026, 2},
		{"acme incident 2027 second", "acme", incident.KindIncident, 2027, 2},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			got, err := seq.Next(ctx, s.org, s.kind, s.year)
			require.NoError(t, err)
			assert.Equal(t, s.want, got)
		})
	}
}

func TestMemorySequenceConcurrent(t *testing.T) {
	const goroutines, perG = 32, 100
	var seq incident.MemorySequence
	ctx := context.Background()
	results := make([][]uint64, goroutines)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for g := range goroutines {
		wg.Go(func() {
			<-start
			for range perG {
				n, err := seq.Next(ctx, "acme", incident.KindIncident, 2026)
				if err != nil {
					t.Errorf("Next: %v", err)
					return
				}
				results[g] = append(results[g], n)
			}
		})
	}
	close(start)
	wg.Wait()

	var all []uint64
	for g, r := range results {
		require.Len(t, r, perG, "goroutine %d", g)
		// Each goroutine sees its own numbers strictly increasing.
		assert.True(t, slices.IsSorted(r) && len(slices.Compact(slices.Clone(r))) == len(r), "goroutine %d: %v", g, r)
		all = append(all, r...)
	}
	slices.Sort(all)
	want := make([]uint64, goroutines*perG)
	for i := range want {
		want[i] = uint64(i + 1)
	}
	assert.Equal(t, want, all, "numbers are 1..N without duplicates or gaps")

	next, err := seq.Next(ctx, "acme", incident.KindIncident, 2026)
	require.NoError(t, err)
	assert.Equal(t, uint64(goroutines*perG+1), next)
}

func TestMemorySequenceContext(t *testing.T) {
	tests := []struct {
		name string
		ctx  func() context.Context
		want error
	}{
		{"cancelled", func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}, context.Canceled},
		{"deadline exceeded", func() context.Context {
			ctx, cancel := context.WithDeadline(context.Background(), time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC))
			t.Cleanup(cancel)
			return ctx
		}, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seq incident.MemorySequence
			n, err := seq.Next(tt.ctx(), "acme", incident.KindIncident, 2026)
			assert.ErrorIs(t, err, tt.want)
			assert.Zero(t, n)
			// A refused call does not consume a number.
			n, err = seq.Next(context.Background(), "acme", incident.KindIncident, 2026)
			require.NoError(t, err)
			assert.Equal(t, uint64(1), n)
		})
	}
}

func TestFactoryNow(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	tests := []struct {
		name  string
		clock time.Time
		want  time.Time
	}{
		{"non-UTC with nanoseconds", time.Date(2026, 3, 14, 10, 20, 30, 123456789, cet),
			time.Date(2026, 3, 14, 9, 20, 30, 123456000, time.UTC)},
		{"UTC already microseconds", dmNow, dmNow},
		{"sub-microsecond only", time.Date(2026, 1, 1, 0, 0, 0, 999, time.UTC),
			time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := incident.NewFactory(incident.WithClock(dmClock(tt.clock))).Now()
			assert.Equal(t, tt.want, got)
			assert.Equal(t, time.UTC, got.Location())
		})
	}
}

func TestFactoryNewEvent(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	clock := time.Date(2026, 3, 14, 10, 20, 30, 123456789, cet)
	want := time.Date(2026, 3, 14, 9, 20, 30, 123456000, time.UTC)
	f := incident.NewFactory(
		incident.WithClock(dmClock(clock)),
		incident.WithIDs(dmIDSource(dmEventID)),
		incident.WithSequence(&incident.MemorySequence{}),
	)
	ev, err := f.NewEvent(context.Background(), "acme", "Phishing mail reported", "actor-alice")
	require.NoError(t, err)

	assert.Equal(t, dmEventID, ev.ID)
	assert.Equal(t, incident.Ref("EVT-2026-000001"), ev.Ref)
	assert.Equal(t, "acme", ev.Org)
	assert.Equal(t, want, ev.CreatedAt)
	assert.Equal(t, want, ev.UpdatedAt)
	assert.Equal(t, time.UTC, ev.CreatedAt.Location())
	assert.Zero(t, ev.Version)
	assert.Equal(t, "Phishing mail reported", ev.Title)
	assert.Equal(t, incident.ActorID("actor-alice"), ev.Reporter)
	assert.Equal(t, incident.PhaseDetectReport, ev.Phase)
	assert.Equal(t, incident.StateDetection, ev.State)
	assert.Equal(t, incident.OutcomeUndetermined, ev.Outcome)
	assert.Equal(t, incident.At(want), ev.Timeline.Detected)
	assert.Equal(t, incident.At(want), ev.Timeline.Reported)
	assert.True(t, ev.Timeline.Occurred.IsZero())
	assert.Equal(t, uuid.Nil, ev.IncidentID)
	assert.NoError(t, ev.Validate())
}

func TestFactoryNewVulnerability(t *testing.T) {
	f := dmFactory()
	vu, err := f.NewVulnerability(context.Background(), "acme", "Outdated TLS library", "actor-bob")
	require.NoError(t, err)
	assert.Equal(t, dmEventID, vu.ID)
	assert.Equal(t, incident.Ref("VUL-2026-000001"), vu.Ref)
	assert.Equal(t, dmNow, vu.CreatedAt)
	assert.Equal(t, dmNow, vu.UpdatedAt)
	assert.Equal(t, incident.PhaseDetectReport, vu.Phase)
	assert.Equal(t, incident.StateReporting, vu.State)
	assert.Equal(t, incident.At(dmNow), vu.Timeline.Reported)
	assert.True(t, vu.Timeline.Detected.IsZero())
	assert.NoError(t, vu.Validate())
}

func TestFactoryEscalate(t *testing.T) {
	ctx := context.Background()
	f := dmFactory()
	ev, err := f.NewEvent(ctx, "acme", "Suspicious login", "actor-alice")
	require.NoError(t, err)
	ev.OrgUnit = "emea-soc"
	ev.Category = incident.Category{Class: "intrusions", Type: "system-compromise"}
	ev.Severity = incident.SeverityHigh
	ev.Priority = incident.P2
	ev.TLP = incident.TLPAmber
	ev.Labels = []string{"vpn"}
	ev.Contacts = []incident.Contact{{ID: "actor-alice", Name: "Alice"}}
	ev.Timeline.Occurred = incident.Approx(dmNow, incident.PrecisionDay, true)
	ev.Timeline.Reopened = []incident.Timestamp{incident.At(dmNow)}
	ev.Timeline.Closed = incident.At(dmNow)

	inc, err := f.Escalate(ctx, ev)
	require.NoError(t, err)

	assert.Equal(t, dmIncidentID, inc.ID)
	assert.Equal(t, incident.Ref("INC-2026-000001"), inc.Ref, "incidents have their own counter")
	assert.Equal(t, "acme", inc.Org)
	assert.Equal(t, "emea-soc", inc.OrgUnit)
	assert.Equal(t, dmNow, inc.CreatedAt)
	assert.Equal(t, dmNow, inc.UpdatedAt)
	assert.Equal(t, incident.PhaseAssessDecide, inc.Phase)
	assert.Equal(t, incident.StateTriage, inc.State)
	assert.Equal(t, incident.OutcomeIncident, inc.Outcome)
	assert.Equal(t, []uuid.UUID{ev.ID}, inc.EventIDs)
	assert.Equal(t, inc.ID, ev.IncidentID, "event links to its incident")
	assert.Equal(t, incident.OutcomeIncident, ev.Outcome)
	assert.Equal(t, incident.At(dmNow), inc.Timeline.Declared)
	assert.Equal(t, ev.Timeline.Detected, inc.Timeline.Detected)
	assert.Equal(t, ev.Timeline.Occurred, inc.Timeline.Occurred)
	assert.True(t, inc.Timeline.Closed.IsZero(), "close is not copied")
	assert.Nil(t, inc.Timeline.Reopened, "reopenings are not copied")
	assert.Equal(t, ev.Category, inc.Category)
	assert.Equal(t, ev.Severity, inc.Severity)
	assert.Equal(t, ev.Priority, inc.Priority)
	assert.Equal(t, ev.TLP, inc.TLP)
	assert.Equal(t, ev.Labels, inc.Labels)
	assert.Equal(t, ev.Contacts, inc.Contacts)

	// Slices are copies.
	ev.Labels[0] = "changed"
	ev.Contacts[0].Name = "changed"
	assert.Equal(t, []string{"vpn"}, inc.Labels)
	assert.Equal(t, "Alice", inc.Contacts[0].Name)

	assert.NoError(t, inc.Validate())
}

func TestFactoryEscalateKeepsDeclared(t *testing.T) {
	ctx := context.Background()
	f := dmFactory()
	ev, err := f.NewEvent(ctx, "acme", "Suspicious login", "actor-alice")
	require.NoError(t, err)
	declared := incident.At(dmNow.Add(-time.Minute))
	ev.Timeline.Declared = declared
	inc, err := f.Escalate(ctx, ev)
	require.NoError(t, err)
	assert.Equal(t, declared, inc.Timeline.Declared)
}

func TestFactoryRefsCount(t *testing.T) {
	ctx := context.Background()
	ids := make([]uuid.UUID, 5)
	for i := range ids {
		ids[i] = uuid.MustParse(fmt.Sprintf("0195a000-0000-7000-8000-%012d", i+1))
	}
	f := incident.NewFactory(incident.WithClock(dmClock(dmNow)), incident.WithIDs(dmIDSource(ids...)))
	for i, id := range ids {
		ev, err := f.NewEvent(ctx, "acme", "e", "r")
		require.NoError(t, err)
		assert.Equal(t, id, ev.ID)
		assert.Equal(t, incident.Ref("EVT-2026-00000"+strconv.Itoa(i+1)), ev.Ref)
	}
}

func TestFactoryYearIsUTC(t *testing.T) {
	// 00:30 on New Year's Day in UTC+1 is still the old year in UTC.
	clock := time.Date(2027, 1, 1, 0, 30, 0, 0, time.FixedZone("CET", 3600))
	f := incident.NewFactory(incident.WithClock(dmClock(clock)), incident.WithIDs(dmIDSource(dmEventID)))
	ev, err := f.NewEvent(context.Background(), "acme", "e", "r")
	require.NoError(t, err)
	assert.Equal(t, incident.Ref("EVT-2026-000001"), ev.Ref)
	assert.Equal(t, time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC), ev.CreatedAt)
}

func TestFactoryDefaults(t *testing.T) {
	// Defaults (and a nil option) still produce a valid record; nothing is
	// asserted about the wall-clock time itself.
	f := incident.NewFactory(nil)
	ev, err := f.NewEvent(context.Background(), "acme", "e", "r")
	require.NoError(t, err)
	assert.Equal(t, byte(7), byte(ev.ID.Version()), "default ids are UUIDv7")
	kind, _, n, err := ev.Ref.Parse()
	require.NoError(t, err)
	assert.Equal(t, incident.KindEvent, kind)
	assert.Equal(t, uint64(1), n)
	assert.Equal(t, time.UTC, ev.CreatedAt.Location())
	assert.NoError(t, ev.Validate())
}

func TestFactoryErrors(t *testing.T) {
	errIDs := errors.New("id source down")
	errSeq := errors.New("sequence table locked")
	failingIDs := incident.IDFunc(func() (uuid.UUID, error) { return uuid.Nil, errIDs })
	failingSeq := dmSeqFunc(func(context.Context, string, incident.Kind, int) (uint64, error) { return 0, errSeq })

	type create func(f *incident.Factory, org string) error
	newEvent := func(f *incident.Factory, org string) error {
		ev, err := f.NewEvent(context.Background(), org, "t", "r")
		if err == nil && ev == nil {
			return errors.New("nil event without error")
		}
		if err != nil && ev != nil {
			return errors.New("event with error")
		}
		return err
	}
	newVuln := func(f *incident.Factory, org string) error {
		vu, err := f.NewVulnerability(context.Background(), org, "t", "r")
		if err != nil && vu != nil {
			return errors.New("vulnerability with error")
		}
		return err
	}
	escalate := func(f *incident.Factory, org string) error {
		inc, err := f.Escalate(context.Background(), &incident.Event{Header: incident.Header{ID: dmEventID, Org: org}})
		if err != nil && inc != nil {
			return errors.New("incident with error")
		}
		return err
	}
	creators := map[string]create{"NewEvent": newEvent, "NewVulnerability": newVuln, "Escalate": escalate}

	tests := []struct {
		name string
		org  string
		opts []incident.FactoryOption
		want error
	}{
		{"empty org", "", nil, incident.ErrRequired},
		{"id source error", "acme", []incident.FactoryOption{incident.WithIDs(failingIDs)}, errIDs},
		{"sequence error", "acme", []incident.FactoryOption{incident.WithSequence(failingSeq)}, errSeq},
		{"sequence out of range", "acme", []incident.FactoryOption{incident.WithSequence(
			dmSeqFunc(func(context.Context, string, incident.Kind, int) (uint64, error) { return 0, nil }))}, incident.ErrFormat},
	}
	for _, tt := range tests {
		for cname, c := range creators {
			t.Run(tt.name+"/"+cname, func(t *testing.T) {
				opts := append([]incident.FactoryOption{incident.WithClock(dmClock(dmNow)),
					incident.WithIDs(dmIDSource(dmEventID, dmIncidentID))}, tt.opts...)
				err := c(incident.NewFactory(opts...), tt.org)
				require.Error(t, err)
				assert.ErrorIs(t, err, tt.want)
			})
		}
	}

	t.Run("empty org is a FieldError on org", func(t *testing.T) {
		_, err := dmFactory().NewEvent(context.Background(), "", "t", "r")
		var fe *incident.FieldError
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, "org", fe.Path)
		assert.Equal(t, incident.RuleRequired, fe.Rule)
	})
	t.Run("cancelled context reaches the sequence", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := dmFactory().NewEvent(ctx, "acme", "t", "r")
		assert.ErrorIs(t, err, context.Canceled)
	})
	t.Run("sequence receives org kind and UTC year", func(t *testing.T) {
		type call struct {
			org  string
			kind incident.Kind
			year int
		}
		var calls []call
		seq := dmSeqFunc(func(_ context.Context, org string, kind incident.Kind, year int) (uint64, error) {
			calls = append(calls, call{org, kind, year})
			return 7, nil
		})
		f := incident.NewFactory(incident.WithClock(dmClock(dmNow)), incident.WithIDs(dmIDSource(dmEventID, dmIncidentID)), incident.WithSequence(seq))
		ev, err := f.NewEvent(context.Background(), "acme", "t", "r")
		require.NoError(t, err)
		inc, err := f.Escalate(context.Background(), ev)
		require.NoError(t, err)
		assert.Equal(t, incident.Ref("EVT-2026-000007"), ev.Ref)
		assert.Equal(t, incident.Ref("INC-2026-000007"), inc.Ref)
		assert.Equal(t, []call{{"acme", incident.KindEvent, 2026}, {"acme", incident.KindIncident, 2026}}, calls)
	})
}

func BenchmarkFormatRef(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := incident.FormatRef(incident.KindIncident, 2026, 42); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRefParse(b *testing.B) {
	ref := incident.Ref("INC-2026-000042")
	b.ReportAllocs()
	for b.Loop() {
		if _, _, _, err := ref.Parse(); err != nil {
			b.Fatal(err)
		}
	}
}
