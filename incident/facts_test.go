package incident_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
)

// dmFactTimes are three instants an hour apart.
var dmFactTimes = [3]time.Time{
	time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC),
	time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC),
	time.Date(2026, 3, 14, 11, 0, 0, 0, time.UTC),
}

func TestFactSet(t *testing.T) {
	t1, t2, t3 := dmFactTimes[0], dmFactTimes[1], dmFactTimes[2]

	t.Run("first value has no history", func(t *testing.T) {
		var f incident.Fact[int64]
		assert.False(t, f.Known())
		assert.True(t, f.IsZero())
		require.NoError(t, f.Set(100, t1, "analyst-1"))
		assert.True(t, f.Known())
		assert.False(t, f.IsZero())
		assert.Equal(t, int64(100), f.Value)
		assert.Equal(t, t1, f.KnownAt)
		assert.Equal(t, "analyst-1", f.Source)
		assert.Empty(t, f.History)
	})
	t.Run("history in order", func(t *testing.T) {
		var f incident.Fact[int64]
		require.NoError(t, f.Set(100, t1, "a"))
		require.NoError(t, f.Set(250, t2, "b"))
		require.NoError(t, f.Set(4000, t3, "c"))
		assert.Equal(t, int64(4000), f.Value)
		assert.Equal(t, t3, f.KnownAt)
		assert.Equal(t, "c", f.Source)
		assert.Equal(t, []incident.FactRevision[int64]{
			{Value: 100, KnownAt: t1, Source: "a"},
			{Value: 250, KnownAt: t2, Source: "b"},
		}, f.History)
	})
	t.Run("same time is allowed", func(t *testing.T) {
		var f incident.Fact[bool]
		require.NoError(t, f.Set(false, t1, "a"))
		require.NoError(t, f.Set(true, t1, "b"))
		assert.True(t, f.Value)
		assert.Len(t, f.History, 1)
	})
	t.Run("stored in UTC", func(t *testing.T) {
		var f incident.Fact[bool]
		require.NoError(t, f.Set(true, time.Date(2026, 3, 14, 10, 0, 0, 0, time.FixedZone("CET", 3600)), "a"))
		assert.Equal(t, t1, f.KnownAt)
		assert.Equal(t, time.UTC, f.KnownAt.Location())
	})
	t.Run("earlier time is refused and changes nothing", func(t *testing.T) {
		var f incident.Fact[int64]
		require.NoError(t, f.Set(100, t1, "a"))
		require.NoError(t, f.Set(250, t3, "b"))
		before := f
		before.History = append([]incident.FactRevision[int64](nil), f.History...)

		err := f.Set(999, t2, "late")
		require.Error(t, err)
		assert.ErrorIs(t, err, incident.ErrOrder)
		assert.ErrorIs(t, err, incident.ErrInvalid)
		var fe *incident.FieldError
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, incident.RuleFactOrder, fe.Rule)
		assert.Equal(t, before, f)
	})
	t.Run("earlier time in another zone is still earlier", func(t *testing.T) {
		var f incident.Fact[int64]
		require.NoError(t, f.Set(1, t2, "a"))
		// 10:30 CET is 09:30 UTC, before t2.
		err := f.Set(2, time.Date(2026, 3, 14, 10, 30, 0, 0, time.FixedZone("CET", 3600)), "b")
		assert.ErrorIs(t, err, incident.ErrOrder)
		assert.Equal(t, int64(1), f.Value)
	})
}

func TestFactFirstKnown(t *testing.T) {
	t1, t2, t3 := dmFactTimes[0], dmFactTimes[1], dmFactTimes[2]
	isTrue := func(b bool) bool { return b }
	isFalse := func(b bool) bool { return !b }

	build := func(t *testing.T, vals ...bool) incident.Fact[bool] {
		var f incident.Fact[bool]
		for i, v := range vals {
			require.NoError(t, f.Set(v, dmFactTimes[i], "src"))
		}
		return f
	}
	tests := []struct {
		name   string
		vals   []bool
		pred   func(bool) bool
		want   time.Time
		wantOK bool
	}{
		{"false true false: first true at t2", []bool{false, true, false}, isTrue, t2, true},
		{"false true false: first false at t1", []bool{false, true, false}, isFalse, t1, true},
		{"true true true: first true at t1", []bool{true, true, true}, isTrue, t1, true},
		{"false false true: current value", []bool{false, false, true}, isTrue, t3, true},
		{"never true", []bool{false, false}, isTrue, time.Time{}, false},
		{"nothing known", nil, isFalse, time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := build(t, tt.vals...)
			got, ok := f.FirstKnown(tt.pred)
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.want, got)
		})
	}

	t.Run("threshold on a count", func(t *testing.T) {
		var f incident.Fact[int64]
		require.NoError(t, f.Set(10, t1, ""))
		require.NoError(t, f.Set(600, t2, ""))
		require.NoError(t, f.Set(450, t3, ""))
		got, ok := f.FirstKnown(func(n int64) bool { return n > 500 })
		assert.True(t, ok)
		assert.Equal(t, t2, got)
	})
}

// dmFullFacts sets every fact, with history, so Clone is checked on each.
func dmFullFacts(t *testing.T) incident.Facts {
	t.Helper()
	t1, t2 := dmFactTimes[0], dmFactTimes[1]
	var f incident.Facts
	require.NoError(t, f.PersonalData.Set(false, t1, "a"))
	require.NoError(t, f.PersonalData.Set(true, t2, "b"))
	require.NoError(t, f.PersonalDataCategories.Set([]string{"contact"}, t1, "a"))
	require.NoError(t, f.PersonalDataCategories.Set([]string{"contact", "financial"}, t2, "b"))
	require.NoError(t, f.SpecialCategories.Set([]string{"health"}, t1, "a"))
	require.NoError(t, f.SpecialCategories.Set([]string{"health", "biometric"}, t2, "b"))
	require.NoError(t, f.DataSubjects.Set(10, t1, "a"))
	require.NoError(t, f.DataSubjects.Set(1000, t2, "b"))
	require.NoError(t, f.ResidentsByState.Set(map[string]int64{"CA": 10}, t1, "a"))
	require.NoError(t, f.ResidentsByState.Set(map[string]int64{"CA": 600, "NY": 3}, t2, "b"))
	require.NoError(t, f.MemberStates.Set([]string{"DE"}, t1, "a"))
	require.NoError(t, f.MemberStates.Set([]string{"DE", "FR"}, t2, "b"))
	require.NoError(t, f.ClientsAffected.Set(1, t1, "a"))
	require.NoError(t, f.ClientsAffected.Set(2, t2, "b"))
	require.NoError(t, f.TransactionsAffected.Set(3, t1, "a"))
	require.NoError(t, f.TransactionsAffected.Set(4, t2, "b"))
	require.NoError(t, f.EconomicImpact.Set(incident.Money{Currency: "EUR", Minor: 100}, t1, "a"))
	require.NoError(t, f.EconomicImpact.Set(incident.Money{Currency: "EUR", Minor: 20000000}, t2, "b"))
	require.NoError(t, f.CriticalServicesAffected.Set(false, t1, "a"))
	require.NoError(t, f.CriticalServicesAffected.Set(true, t2, "b"))
	require.NoError(t, f.RansomPaid.Set(false, t1, "a"))
	require.NoError(t, f.RansomPaid.Set(true, t2, "b"))
	require.NoError(t, f.EntityTypes.Set([]string{"credit_institution"}, t1, "a"))
	require.NoError(t, f.EntityTypes.Set([]string{"credit_institution", "essential"}, t2, "b"))
	return f
}

func TestFactsClone(t *testing.T) {
	t.Run("equal to the original", func(t *testing.T) {
		orig := dmFullFacts(t)
		assert.Equal(t, orig, orig.Clone())
		assert.Equal(t, incident.Facts{}, incident.Facts{}.Clone())
	})

	mutations := []struct {
		name   string
		mutate func(t *testing.T, c *incident.Facts)
	}{
		{"personal data categories value", func(t *testing.T, c *incident.Facts) { c.PersonalDataCategories.Value[0] = "X" }},
		{"personal data categories history", func(t *testing.T, c *incident.Facts) { c.PersonalDataCategories.History[0].Value[0] = "X" }},
		{"special categories value", func(t *testing.T, c *incident.Facts) { c.SpecialCategories.Value[1] = "X" }},
		{"special categories history", func(t *testing.T, c *incident.Facts) { c.SpecialCategories.History[0].Value[0] = "X" }},
		{"residents by state value", func(t *testing.T, c *incident.Facts) {
			c.ResidentsByState.Value["CA"] = 1
			c.ResidentsByState.Value["TX"] = 9
		}},
		{"residents by state history", func(t *testing.T, c *incident.Facts) { c.ResidentsByState.History[0].Value["CA"] = 1 }},
		{"member states value", func(t *testing.T, c *incident.Facts) { c.MemberStates.Value[0] = "XX" }},
		{"member states history", func(t *testing.T, c *incident.Facts) { c.MemberStates.History[0].Value[0] = "XX" }},
		{"entity types value", func(t *testing.T, c *incident.Facts) { c.EntityTypes.Value[0] = "X" }},
		{"entity types history", func(t *testing.T, c *incident.Facts) { c.EntityTypes.History[0].Value[0] = "X" }},
		{"history element", func(t *testing.T, c *incident.Facts) { c.DataSubjects.History[0].Value = -1 }},
		{"history append", func(t *testing.T, c *incident.Facts) {
			require.NoError(t, c.DataSubjects.Set(5000, dmFactTimes[2], "c"))
		}},
		{"economic impact history", func(t *testing.T, c *incident.Facts) { c.EconomicImpact.History[0].Value.Minor = 1 }},
		{"bool fact", func(t *testing.T, c *incident.Facts) {
			c.PersonalData.History[0].Value = true
			c.PersonalData.Value = false
		}},
	}
	for _, m := range mutations {
		t.Run("mutating the clone leaves the original/"+m.name, func(t *testing.T) {
			orig := dmFullFacts(t)
			want := dmFullFacts(t)
			c := orig.Clone()
			m.mutate(t, &c)
			assert.Equal(t, want, orig)
			assert.NotEqual(t, want, c, "the mutation took effect on the clone")
		})
	}
	t.Run("mutating the original leaves the clone", func(t *testing.T) {
		orig := dmFullFacts(t)
		c := orig.Clone()
		orig.MemberStates.Value[0] = "XX"
		orig.ResidentsByState.Value["CA"] = 0
		orig.PersonalDataCategories.History[0].Value[0] = "X"
		assert.Equal(t, dmFullFacts(t), c)
	})
}
