package incident_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
)

func TestTimestampEarliestLatest(t *testing.T) {
	at := time.Date(2024, 2, 17, 13, 45, 12, 987654321, time.UTC)
	tests := []struct {
		name     string
		ts       incident.Timestamp
		earliest time.Time
		latest   time.Time
	}{
		{"instant", incident.Timestamp{At: at, Precision: incident.PrecisionInstant}, at, at},
		{"empty precision is instant", incident.Timestamp{At: at}, at, at},
		{"day", incident.Timestamp{At: at, Precision: incident.PrecisionDay},
			time.Date(2024, 2, 17, 0, 0, 0, 0, time.UTC),
			time.Date(2024, 2, 17, 23, 59, 59, 999999999, time.UTC)},
		{"month February of a leap year", incident.Timestamp{At: at, Precision: incident.PrecisionMonth},
			time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC),
			time.Date(2024, 2, 29, 23, 59, 59, 999999999, time.UTC)},
		{"month February of a common year", incident.Timestamp{At: time.Date(2026, 2, 10, 0, 0, 0, 0, time.UTC), Precision: incident.PrecisionMonth},
			time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC),
			time.Date(2026, 2, 28, 23, 59, 59, 999999999, time.UTC)},
		{"month December crosses the year", incident.Timestamp{At: time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC), Precision: incident.PrecisionMonth},
			time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
			time.Date(2026, 12, 31, 23, 59, 59, 999999999, time.UTC)},
		{"year leap", incident.Timestamp{At: at, Precision: incident.PrecisionYear},
			time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
			time.Date(2024, 12, 31, 23, 59, 59, 999999999, time.UTC)},
		{"day of a non-UTC time uses the UTC day", incident.Timestamp{
			At: time.Date(2026, 3, 15, 0, 30, 0, 0, time.FixedZone("CET", 3600)), Precision: incident.PrecisionDay},
			time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC),
			time.Date(2026, 3, 14, 23, 59, 59, 999999999, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.earliest, tt.ts.Earliest())
			assert.Equal(t, tt.latest, tt.ts.Latest())
			assert.Equal(t, time.UTC, tt.ts.Earliest().Location())
			assert.False(t, tt.ts.Latest().Before(tt.ts.Earliest()))
		})
	}
}

func TestApprox(t *testing.T) {
	at := time.Date(2026, 3, 14, 10, 20, 30, 123, time.FixedZone("CET", 3600))
	tests := []struct {
		name      string
		p         incident.Precision
		estimated bool
		want      time.Time
	}{
		{"instant keeps the instant in UTC", incident.PrecisionInstant, false, time.Date(2026, 3, 14, 9, 20, 30, 123, time.UTC)},
		{"day", incident.PrecisionDay, true, time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)},
		{"month", incident.PrecisionMonth, false, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)},
		{"year", incident.PrecisionYear, true, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := incident.Approx(at, tt.p, tt.estimated)
			assert.Equal(t, tt.want, ts.At)
			assert.Equal(t, time.UTC, ts.At.Location())
			assert.Equal(t, tt.p, ts.Precision)
			assert.Equal(t, tt.estimated, ts.Estimated)
			assert.Equal(t, ts.At, ts.Earliest(), "an Approx value starts its interval")
		})
	}
}

func TestAt(t *testing.T) {
	at := time.Date(2026, 3, 14, 10, 20, 30, 5, time.FixedZone("CET", 3600))
	ts := incident.At(at)
	assert.Equal(t, time.Date(2026, 3, 14, 9, 20, 30, 5, time.UTC), ts.At)
	assert.Equal(t, time.UTC, ts.At.Location())
	assert.Equal(t, incident.PrecisionInstant, ts.Precision)
	assert.False(t, ts.Estimated)
	assert.True(t, ts.Exact())
}

func TestTimestampBefore(t *testing.T) {
	day := func(y int, m time.Month, d int) incident.Timestamp {
		return incident.Approx(time.Date(y, m, d, 0, 0, 0, 0, time.UTC), incident.PrecisionDay, false)
	}
	month := func(y int, m time.Month) incident.Timestamp {
		return incident.Approx(time.Date(y, m, 1, 0, 0, 0, 0, time.UTC), incident.PrecisionMonth, false)
	}
	year := func(y int) incident.Timestamp {
		return incident.Approx(time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), incident.PrecisionYear, false)
	}
	instant := func(y int, m time.Month, d, h int) incident.Timestamp {
		return incident.At(time.Date(y, m, d, h, 0, 0, 0, time.UTC))
	}
	tests := []struct {
		name string
		t, u incident.Timestamp
		want bool
	}{
		{"month vs a day in that month", month(2026, 3), day(2026, 3, 15), false},
		{"a day vs its month", day(2026, 3, 15), month(2026, 3), false},
		{"previous month vs a day", month(2026, 2), day(2026, 3, 1), true},
		{"a day vs the previous month", day(2026, 3, 1), month(2026, 2), false},
		{"month vs first instant of next month", month(2026, 2), instant(2026, 3, 1, 0), true},
		{"month vs last hour of that month", month(2026, 2), instant(2026, 2, 28, 23), false},
		{"instant vs later instant", instant(2026, 3, 14, 9), instant(2026, 3, 14, 10), true},
		{"instant vs itself", instant(2026, 3, 14, 9), instant(2026, 3, 14, 9), false},
		{"instant vs earlier instant", instant(2026, 3, 14, 10), instant(2026, 3, 14, 9), false},
		{"day vs instant later that day", day(2026, 3, 14), instant(2026, 3, 14, 23), false},
		{"instant vs its day", instant(2026, 3, 14, 1), day(2026, 3, 14), false},
		{"day vs next day", day(2026, 3, 14), day(2026, 3, 15), true},
		{"year vs a month in it", year(2026), month(2026, 12), false},
		{"year vs next year's month", year(2025), month(2026, 1), true},
		{"month vs next year", month(2025, 12), year(2026), true},
		{"zero vs anything", incident.Timestamp{}, instant(2026, 3, 14, 9), false},
		{"anything vs zero", instant(2026, 3, 14, 9), incident.Timestamp{}, false},
		{"zero vs zero", incident.Timestamp{}, incident.Timestamp{}, false},
		{"zero with precision vs anything", incident.Timestamp{Precision: incident.PrecisionYear}, year(2026), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.t.Before(tt.u))
		})
	}
}

func TestTimestampExact(t *testing.T) {
	at := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		ts   incident.Timestamp
		want bool
	}{
		{"At", incident.At(at), true},
		{"empty precision", incident.Timestamp{At: at}, true},
		{"estimated instant", incident.Timestamp{At: at, Precision: incident.PrecisionInstant, Estimated: true}, false},
		{"day", incident.Approx(at, incident.PrecisionDay, false), false},
		{"month", incident.Approx(at, incident.PrecisionMonth, false), false},
		{"year", incident.Approx(at, incident.PrecisionYear, false), false},
		{"zero", incident.Timestamp{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.ts.Exact())
		})
	}
}

func TestTimestampIsZero(t *testing.T) {
	assert.True(t, incident.Timestamp{}.IsZero())
	// A precision or estimate without a time is not "unknown": it is kept
	// through JSON, and Validate reports the missing time.
	assert.False(t, incident.Timestamp{Precision: incident.PrecisionDay, Estimated: true}.IsZero())
	assert.False(t, incident.At(dmNow).IsZero())
}

func TestPrecisionValid(t *testing.T) {
	for _, p := range append(incident.Precisions(), "") {
		t.Run("valid/"+string(p), func(t *testing.T) { assert.True(t, p.Valid()) })
	}
	for _, p := range []incident.Precision{"bogus", "Day", "week"} {
		t.Run("invalid/"+string(p), func(t *testing.T) { assert.False(t, p.Valid()) })
	}
	assert.Equal(t, []incident.Precision{incident.PrecisionInstant, incident.PrecisionDay, incident.PrecisionMonth, incident.PrecisionYear},
		incident.Precisions(), "finest to coarsest")
}

func TestTimelineGetSet(t *testing.T) {
	anchors := incident.Anchors()
	require.Len(t, anchors, 17)
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i, a := range anchors {
		t.Run(string(a), func(t *testing.T) {
			var tl incident.Timeline
			got, ok := tl.Get(a)
			require.True(t, ok)
			assert.True(t, got.IsZero())

			want := incident.At(base.Add(time.Duration(i+1) * time.Hour))
			require.True(t, tl.Set(a, want))
			got, ok = tl.Get(a)
			require.True(t, ok)
			assert.Equal(t, want, got)

			// Exactly one anchor changed, and it is the field whose JSON name
			// is the anchor's.
			for _, b := range anchors {
				if b == a {
					continue
				}
				other, _ := tl.Get(b)
				assert.True(t, other.IsZero(), "setting %s changed %s", a, b)
			}
			raw, err := json.Marshal(tl)
			require.NoError(t, err)
			var m map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(raw, &m))
			require.Contains(t, m, string(a), "JSON of %s: %s", a, raw)
			assert.Len(t, m, 1, "JSON of %s: %s", a, raw)
			var fromJSON incident.Timestamp
			require.NoError(t, json.Unmarshal(m[string(a)], &fromJSON))
			assert.True(t, want.At.Equal(fromJSON.At))

			// Set overwrites.
			later := incident.Approx(base, incident.PrecisionMonth, true)
			require.True(t, tl.Set(a, later))
			got, _ = tl.Get(a)
			assert.Equal(t, later, got)
		})
	}
	t.Run("anchors are distinct", func(t *testing.T) {
		seen := map[incident.Anchor]bool{}
		for _, a := range anchors {
			assert.False(t, seen[a], "%s listed twice", a)
			seen[a] = true
		}
	})
	t.Run("unknown anchor", func(t *testing.T) {
		var tl incident.Timeline
		for _, a := range []incident.Anchor{"", "bogus", "reopened", "Detected"} {
			got, ok := tl.Get(a)
			assert.False(t, ok, "Get(%q)", a)
			assert.True(t, got.IsZero())
			assert.False(t, tl.Set(a, incident.At(base)), "Set(%q)", a)
		}
		assert.Equal(t, incident.Timeline{}, tl, "an unknown anchor changes nothing")
	})
}

func TestTimelineOrder(t *testing.T) {
	known := map[incident.Anchor]bool{}
	for _, a := range incident.Anchors() {
		known[a] = true
	}
	first := incident.TimelineOrder()
	require.NotEmpty(t, first)
	t.Run("pairs name known anchors", func(t *testing.T) {
		for _, p := range first {
			assert.True(t, known[p[0]], "%v", p)
			assert.True(t, known[p[1]], "%v", p)
			assert.NotEqual(t, p[0], p[1])
		}
	})
	t.Run("detected before closed is enforced", func(t *testing.T) {
		assert.Contains(t, first, [2]incident.Anchor{incident.AnchorDetected, incident.AnchorClosed})
		assert.Contains(t, first, [2]incident.Anchor{incident.AnchorOccurred, incident.AnchorDetected})
	})
	t.Run("returns a copy", func(t *testing.T) {
		want := incident.TimelineOrder()
		first[0] = [2]incident.Anchor{"bogus", "bogus"}
		first = append(first[:1], first[2:]...)
		second := incident.TimelineOrder()
		assert.Equal(t, want, second)
		assert.NotEqual(t, incident.Anchor("bogus"), second[0][0])
	})
}
