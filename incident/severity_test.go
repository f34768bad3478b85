package incident_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
)

// builtinScales lists every built-in scale constructor by name.
func builtinScales() map[string]func() *incident.SeverityScale {
	return map[string]func() *incident.SeverityScale{
		"default":            incident.DefaultSeverityScale,
		"nciss":              incident.NCISSSeverityScale,
		"iso27035-2-example": incident.ISO27035ExampleSeverityScale,
	}
}

func TestSeverityBuiltinScalesValidate(t *testing.T) {
	want := map[string][]incident.Severity{
		"default":            {"low", "medium", "high", "critical"},
		"nciss":              {"baseline-negligible", "baseline-minor", "low", "medium", "high", "severe", "emergency"},
		"iso27035-2-example": {"information", "warning", "critical", "emergency"},
	}
	for name, mk := range builtinScales() {
		t.Run(name, func(t *testing.T) {
			s := mk()
			require.NoError(t, s.Validate())
			assert.Equal(t, name, s.Name)
			assert.NotEmpty(t, s.Source)
			var got []incident.Severity
			for _, l := range s.Levels {
				got = append(got, l.Name)
				assert.NotEmpty(t, l.Label, "level %q has no label", l.Name)
				assert.NotEmpty(t, l.Description, "level %q has no description", l.Name)
				assert.True(t, incident.IsMachineName(string(l.Name)), "level %q is not a machine name", l.Name)
			}
			assert.Equal(t, want[name], got)
		})
	}
}

func TestSeverityNCISSLabels(t *testing.T) {
	s := incident.NCISSSeverityScale()
	var labels []string
	for _, l := range s.Levels {
		labels = append(labels, l.Label)
	}
	assert.Equal(t, []string{"Baseline – Negligible", "Baseline – Minor", "Low", "Medium", "High", "Severe", "Emergency"}, labels)
}

func TestSeverityDefaultCriticalityFromSTIXAppendixA(t *testing.T) {
	// STIX Incident Core Extension v2.0 Appendix A, "5 Qualitative" values.
	want := map[incident.Severity]int{"low": 15, "medium": 40, "high": 70, "critical": 95}
	for _, l := range incident.DefaultSeverityScale().Levels {
		assert.Equal(t, want[l.Name], l.Criticality, "level %q", l.Name)
	}
}

func TestSeverityBuiltinScalesAreFresh(t *testing.T) {
	for name, mk := range builtinScales() {
		t.Run(name, func(t *testing.T) {
			a := mk()
			a.Levels[0].Name = "changed"
			a.Levels = a.Levels[:1]
			b := mk()
			require.NoError(t, b.Validate())
			assert.NotEqual(t, incident.Severity("changed"), b.Levels[0].Name)
			assert.Greater(t, len(b.Levels), 1)
		})
	}
}

func TestSeverityScaleValidateRejects(t *testing.T) {
	lv := func(name incident.Severity, crit int) incident.SeverityLevel {
		return incident.SeverityLevel{Name: name, Label: string(name), Criticality: crit}
	}
	tests := []struct {
		name  string
		scale *incident.SeverityScale
		also  error // a second sentinel the error must match, if any
	}{
		{"nil", nil, nil},
		{"no name", &incident.SeverityScale{Levels: []incident.SeverityLevel{lv("a", 1)}}, incident.ErrRequired},
		{"no levels", &incident.SeverityScale{Name: "x"}, nil},
		{"empty level name", &incident.SeverityScale{Name: "x", Levels: []incident.SeverityLevel{lv("", 1)}}, incident.ErrRequired},
		{"duplicate level", &incident.SeverityScale{Name: "x", Levels: []incident.SeverityLevel{lv("a", 1), lv("a", 2)}}, incident.ErrDuplicate},
		{"criticality below 0", &incident.SeverityScale{Name: "x", Levels: []incident.SeverityLevel{lv("a", -1)}}, nil},
		{"criticality above 100", &incident.SeverityScale{Name: "x", Levels: []incident.SeverityLevel{lv("a", 101)}}, nil},
		{"criticality equal", &incident.SeverityScale{Name: "x", Levels: []incident.SeverityLevel{lv("a", 10), lv("b", 10)}}, nil},
		{"criticality decreasing", &incident.SeverityScale{Name: "x", Levels: []incident.SeverityLevel{lv("a", 20), lv("b", 10)}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.scale.Validate()
			require.ErrorIs(t, err, incident.ErrInvalid)
			if tt.also != nil {
				require.ErrorIs(t, err, tt.also)
			}
		})
	}
	t.Run("edges 0 and 100 are valid", func(t *testing.T) {
		s := &incident.SeverityScale{Name: "x", Levels: []incident.SeverityLevel{lv("a", 0), lv("b", 100)}}
		require.NoError(t, s.Validate())
	})
}

func TestSeverityOrderFollowsScaleNotString(t *testing.T) {
	// Each pair sorts the other way round as strings.
	tests := []struct {
		scale  func() *incident.SeverityScale
		hi, lo incident.Severity
	}{
		{incident.DefaultSeverityScale, "critical", "high"},
		{incident.DefaultSeverityScale, "high", "low"},
		{incident.DefaultSeverityScale, "critical", "low"},
		{incident.NCISSSeverityScale, "emergency", "high"},
		{incident.NCISSSeverityScale, "baseline-minor", "baseline-negligible"},
		{incident.ISO27035ExampleSeverityScale, "critical", "information"},
		{incident.ISO27035ExampleSeverityScale, "emergency", "warning"},
	}
	for _, tt := range tests {
		s := tt.scale()
		t.Run(s.Name+"/"+string(tt.hi)+"_above_"+string(tt.lo), func(t *testing.T) {
			require.Less(t, string(tt.hi), string(tt.lo), "test premise: string order disagrees")
			c, err := s.Compare(tt.hi, tt.lo)
			require.NoError(t, err)
			assert.Equal(t, 1, c)
			c, err = s.Compare(tt.lo, tt.hi)
			require.NoError(t, err)
			assert.Equal(t, -1, c)
			m, err := s.Max(tt.lo, tt.hi)
			require.NoError(t, err)
			assert.Equal(t, tt.hi, m)
		})
	}
}

func TestSeverityScaleRank(t *testing.T) {
	s := incident.NCISSSeverityScale()
	for i, l := range s.Levels {
		t.Run(string(l.Name), func(t *testing.T) {
			r, err := s.Rank(l.Name)
			require.NoError(t, err)
			assert.Equal(t, i, r)
			assert.True(t, s.Contains(l.Name))
			got, ok := s.Level(l.Name)
			require.True(t, ok)
			assert.Equal(t, l, got)
		})
	}
}

func TestSeverityScaleUnknownValues(t *testing.T) {
	s := incident.DefaultSeverityScale()
	tests := []struct {
		name string
		v    incident.Severity
	}{
		{"not assessed", ""},
		{"other scale's level", "emergency"},
		{"wrong case", "High"},
		{"padded", " high"},
		{"cvss none", "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.False(t, s.Contains(tt.v))
			_, ok := s.Level(tt.v)
			assert.False(t, ok)

			_, err := s.Rank(tt.v)
			require.ErrorIs(t, err, incident.ErrUnknownSeverity)
			assert.Contains(t, err.Error(), `"default"`, "message names the scale")
			assert.Contains(t, err.Error(), `"`+string(tt.v)+`"`, "message names the value")

			_, err = s.Compare(tt.v, "low")
			require.ErrorIs(t, err, incident.ErrUnknownSeverity)
			_, err = s.Compare("low", tt.v)
			require.ErrorIs(t, err, incident.ErrUnknownSeverity)
			_, err = s.AtLeast(tt.v)
			require.ErrorIs(t, err, incident.ErrUnknownSeverity)
		})
	}
}

func TestSeverityScaleCompare(t *testing.T) {
	s := incident.DefaultSeverityScale()
	names := []incident.Severity{"low", "medium", "high", "critical"}
	for i, a := range names {
		for j, b := range names {
			t.Run(string(a)+"_vs_"+string(b), func(t *testing.T) {
				got, err := s.Compare(a, b)
				require.NoError(t, err)
				want := 0
				if i < j {
					want = -1
				} else if i > j {
					want = 1
				}
				assert.Equal(t, want, got)
			})
		}
	}
}

func TestSeverityScaleAtLeast(t *testing.T) {
	s := incident.DefaultSeverityScale()
	tests := []struct {
		v    incident.Severity
		want []incident.Severity
	}{
		{"low", []incident.Severity{"low", "medium", "high", "critical"}},
		{"medium", []incident.Severity{"medium", "high", "critical"}},
		{"high", []incident.Severity{"high", "critical"}},
		{"critical", []incident.Severity{"critical"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.v), func(t *testing.T) {
			got, err := s.AtLeast(tt.v)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			got[0] = "mutated" // the result is the caller's own
			again, err := s.AtLeast(tt.v)
			require.NoError(t, err)
			assert.Equal(t, tt.want, again)
		})
	}
}

func TestSeverityScaleMax(t *testing.T) {
	s := incident.DefaultSeverityScale()
	tests := []struct {
		name    string
		in      []incident.Severity
		want    incident.Severity
		wantErr error
	}{
		{"none given", nil, "", nil},
		{"only not assessed", []incident.Severity{"", ""}, "", nil},
		{"single", []incident.Severity{"medium"}, "medium", nil},
		{"by scale not string", []incident.Severity{"high", "critical", "low"}, "critical", nil},
		{"skips not assessed", []incident.Severity{"", "medium", "", "low"}, "medium", nil},
		{"repeated", []incident.Severity{"high", "high"}, "high", nil},
		{"unknown", []incident.Severity{"high", "urgent"}, "", incident.ErrUnknownSeverity},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Max(tt.in...)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.Contains(t, err.Error(), "urgent")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestSeverityScaleNilIsSafe(t *testing.T) {
	var s *incident.SeverityScale
	assert.False(t, s.Contains("low"))
	_, ok := s.Level("low")
	assert.False(t, ok)
	_, err := s.Rank("low")
	require.ErrorIs(t, err, incident.ErrUnknownSeverity)
	_, err = s.Compare("low", "low")
	require.ErrorIs(t, err, incident.ErrUnknownSeverity)
	_, err = s.AtLeast("low")
	require.ErrorIs(t, err, incident.ErrUnknownSeverity)
	got, err := s.Max()
	require.NoError(t, err)
	assert.Empty(t, got)
	_, err = s.Max("low")
	require.ErrorIs(t, err, incident.ErrUnknownSeverity)
	_, err = incident.CriticalitySeverity(s, 50)
	require.ErrorIs(t, err, incident.ErrInvalid)
}

func TestSeverityScaleJSON(t *testing.T) {
	s := incident.NCISSSeverityScale()
	b, err := json.Marshal(s)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"criticality":95`)
	var back incident.SeverityScale
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, *s, back)
	require.NoError(t, back.Validate())
}

func TestTheHiveSeverity(t *testing.T) {
	want := map[int]incident.Severity{1: "low", 2: "medium", 3: "high", 4: "critical"}
	def := incident.DefaultSeverityScale()
	for n := 1; n <= 4; n++ {
		t.Run(string(want[n]), func(t *testing.T) {
			v, err := incident.TheHiveSeverity(n)
			require.NoError(t, err)
			assert.Equal(t, want[n], v)
			assert.True(t, def.Contains(v))
			back, err := incident.TheHiveLevel(v)
			require.NoError(t, err)
			assert.Equal(t, n, back)
		})
	}
	for _, n := range []int{0, 5, -1, math.MaxInt, math.MinInt} {
		_, err := incident.TheHiveSeverity(n)
		require.ErrorIs(t, err, incident.ErrUnknownSeverity, "n=%d", n)
	}
	for _, v := range []incident.Severity{"", "none", "severe", "Low"} {
		_, err := incident.TheHiveLevel(v)
		require.ErrorIs(t, err, incident.ErrUnknownSeverity, "v=%q", v)
	}
}

func TestCVSSBand(t *testing.T) {
	tests := []struct {
		score float64
		want  incident.Severity
	}{
		{0.0, "none"},
		{0.1, "low"},
		{3.9, "low"},
		{4.0, "medium"},
		{6.9, "medium"},
		{7.0, "high"},
		{8.9, "high"},
		{9.0, "critical"},
		{10.0, "critical"},
		// Off-grid scores are rounded to one decimal first, half away from zero.
		{0.04, "none"},
		{0.05, "low"},
		{3.94, "low"},
		{3.95, "medium"},
		{6.95, "high"},
		{8.95, "critical"},
		{9.99, "critical"},
		{math.Copysign(0, -1), "none"},
	}
	for _, tt := range tests {
		t.Run(formatScore(tt.score), func(t *testing.T) {
			got, err := incident.CVSSBand(tt.score)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	for _, bad := range []float64{-0.1, 10.1, -0.001, 10.001, math.NaN(), math.Inf(1), math.Inf(-1), -math.MaxFloat64, math.MaxFloat64} {
		t.Run("invalid "+formatScore(bad), func(t *testing.T) {
			got, err := incident.CVSSBand(bad)
			require.ErrorIs(t, err, incident.ErrInvalid)
			assert.Empty(t, got)
			_, err = incident.CVSSSeverity(bad)
			require.ErrorIs(t, err, incident.ErrInvalid)
		})
	}
}

func formatScore(f float64) string {
	b, err := json.Marshal(f)
	if err != nil { // NaN and infinities
		return map[bool]string{true: "NaN", false: "Inf"}[math.IsNaN(f)]
	}
	return string(b)
}

func TestCVSSSeverity(t *testing.T) {
	def := incident.DefaultSeverityScale()
	for _, score := range []float64{0.1, 3.9, 4.0, 6.9, 7.0, 8.9, 9.0, 10.0} {
		t.Run(formatScore(score), func(t *testing.T) {
			band, err := incident.CVSSBand(score)
			require.NoError(t, err)
			got, err := incident.CVSSSeverity(score)
			require.NoError(t, err)
			assert.Equal(t, band, got)
			assert.True(t, def.Contains(got))
		})
	}
	t.Run("none has no default level", func(t *testing.T) {
		got, err := incident.CVSSSeverity(0)
		require.ErrorIs(t, err, incident.ErrUnknownSeverity)
		assert.False(t, errors.Is(err, incident.ErrInvalid))
		assert.Empty(t, got)
	})
}

func TestCriticalitySeverity(t *testing.T) {
	for name, mk := range builtinScales() {
		t.Run(name+" levels map to themselves", func(t *testing.T) {
			s := mk()
			for _, l := range s.Levels {
				got, err := incident.CriticalitySeverity(s, l.Criticality)
				require.NoError(t, err)
				assert.Equal(t, l.Name, got)
			}
		})
		t.Run(name+" monotone over 1..100", func(t *testing.T) {
			s := mk()
			prev := -1
			for c := 1; c <= 100; c++ {
				got, err := incident.CriticalitySeverity(s, c)
				require.NoError(t, err)
				r, err := s.Rank(got)
				require.NoError(t, err)
				assert.GreaterOrEqual(t, r, prev, "criticality %d", c)
				prev = r
			}
		})
	}
	def := incident.DefaultSeverityScale()
	tests := []struct {
		c       int
		want    incident.Severity
		wantErr error
	}{
		{1, "low", nil},
		{14, "low", nil},
		{39, "low", nil},
		{40, "medium", nil},
		{69, "medium", nil},
		{70, "high", nil},
		{94, "high", nil},
		{95, "critical", nil},
		{100, "critical", nil},
		{0, "", incident.ErrUnknownSeverity},
		{-1, "", incident.ErrInvalid},
		{101, "", incident.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run("default "+formatScore(float64(tt.c)), func(t *testing.T) {
			got, err := incident.CriticalitySeverity(def, tt.c)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	t.Run("scale with a level at 0 takes 0", func(t *testing.T) {
		s := &incident.SeverityScale{Name: "z", Levels: []incident.SeverityLevel{
			{Name: "none", Label: "None", Criticality: 0}, {Name: "some", Label: "Some", Criticality: 50},
		}}
		got, err := incident.CriticalitySeverity(s, 0)
		require.NoError(t, err)
		assert.Equal(t, incident.Severity("none"), got)
	})
	t.Run("invalid scale", func(t *testing.T) {
		_, err := incident.CriticalitySeverity(&incident.SeverityScale{Name: "empty"}, 50)
		require.ErrorIs(t, err, incident.ErrInvalid)
	})
	t.Run("cross-scale via criticality", func(t *testing.T) {
		// ISO example "critical" is class III; on the default scale it lands on high.
		iso := incident.ISO27035ExampleSeverityScale()
		l, ok := iso.Level("critical")
		require.True(t, ok)
		got, err := incident.CriticalitySeverity(def, l.Criticality)
		require.NoError(t, err)
		assert.Equal(t, incident.Severity("high"), got)
	})
}

func TestSeverityMappingsBuiltin(t *testing.T) {
	tests := []struct {
		name     string
		m        incident.SeverityMapping
		from, to *incident.SeverityScale
	}{
		{"default to nciss", incident.DefaultToNCISS(), incident.DefaultSeverityScale(), incident.NCISSSeverityScale()},
		{"nciss to default", incident.NCISSToDefault(), incident.NCISSSeverityScale(), incident.DefaultSeverityScale()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, tt.m.Validate(tt.from, tt.to))
			prev := -1
			for _, l := range tt.from.Levels { // total and order-preserving
				got, err := tt.m.Map(l.Name)
				require.NoError(t, err, "level %q", l.Name)
				r, err := tt.to.Rank(got)
				require.NoError(t, err)
				assert.GreaterOrEqual(t, r, prev, "mapping of %q goes down", l.Name)
				prev = r
			}
			_, err := tt.m.Map("no-such-level")
			require.ErrorIs(t, err, incident.ErrUnknownSeverity)
			assert.Contains(t, err.Error(), "no-such-level")
			_, err = tt.m.Map("")
			require.ErrorIs(t, err, incident.ErrUnknownSeverity)
		})
	}
	t.Run("round trip default via nciss", func(t *testing.T) {
		there, back := incident.DefaultToNCISS(), incident.NCISSToDefault()
		for _, l := range incident.DefaultSeverityScale().Levels {
			n, err := there.Map(l.Name)
			require.NoError(t, err)
			d, err := back.Map(n)
			require.NoError(t, err)
			assert.Equal(t, l.Name, d)
		}
	})
	t.Run("fresh", func(t *testing.T) {
		m := incident.DefaultToNCISS()
		m.Pairs["low"] = "emergency"
		assert.Equal(t, incident.Severity("low"), incident.DefaultToNCISS().Pairs["low"])
	})
}

func TestSeverityMappingValidateRejects(t *testing.T) {
	def, nciss := incident.DefaultSeverityScale(), incident.NCISSSeverityScale()
	with := func(edit func(m *incident.SeverityMapping)) incident.SeverityMapping {
		m := incident.DefaultToNCISS()
		edit(&m)
		return m
	}
	tests := []struct {
		name     string
		m        incident.SeverityMapping
		from, to *incident.SeverityScale
	}{
		{"not total", with(func(m *incident.SeverityMapping) { delete(m.Pairs, "high") }), def, nciss},
		{"nil pairs", with(func(m *incident.SeverityMapping) { m.Pairs = nil }), def, nciss},
		{"extra source", with(func(m *incident.SeverityMapping) { m.Pairs["urgent"] = "high" }), def, nciss},
		{"target not on scale", with(func(m *incident.SeverityMapping) { m.Pairs["high"] = "critical" }), def, nciss},
		{"wrong from name", with(func(m *incident.SeverityMapping) { m.From = "other" }), def, nciss},
		{"wrong to name", with(func(m *incident.SeverityMapping) { m.To = "other" }), def, nciss},
		{"scales swapped", incident.DefaultToNCISS(), nciss, def},
		{"nil from", incident.DefaultToNCISS(), nil, nciss},
		{"nil to", incident.DefaultToNCISS(), def, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorIs(t, tt.m.Validate(tt.from, tt.to), incident.ErrInvalid)
		})
	}
}

func TestSeverityHotPathsDoNotAllocate(t *testing.T) {
	s := incident.DefaultSeverityScale()
	allocs := testing.AllocsPerRun(100, func() {
		if c, err := s.Compare("critical", "high"); err != nil || c != 1 {
			t.Fatal("compare failed")
		}
		if _, err := s.Rank("medium"); err != nil {
			t.Fatal("rank failed")
		}
		if !s.Contains("low") {
			t.Fatal("contains failed")
		}
		if _, err := incident.CVSSBand(7.5); err != nil {
			t.Fatal("band failed")
		}
	})
	assert.Zero(t, allocs)
}

func BenchmarkSeverityScaleCompare(b *testing.B) {
	s := incident.NCISSSeverityScale() // the longest built-in scale
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Compare("emergency", "baseline-negligible"); err != nil {
			b.Fatal(err)
		}
	}
}
