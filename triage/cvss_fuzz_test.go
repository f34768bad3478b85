package triage

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// FuzzParseCVSS checks that no input makes ParseCVSS panic, that every
// error is a *CVSSError wrapping ErrInvalidVector, and that an accepted
// vector round-trips through String: parsing String() gives an equal
// vector, String() is the input for v4.0 (whose order is fixed) and the
// input's metrics in the specification's order for v3.1.
func FuzzParseCVSS(f *testing.F) {
	for _, c := range cvss31Scores {
		f.Add(c.vector)
	}
	for _, s := range cvss40Valid {
		f.Add(s)
	}
	for _, s := range []string{
		"", "CVSS:", "CVSS:3.1", "CVSS:3.1/", "CVSS:3.0/AV:N", "CVSS:3.1/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N/E:F/RL:X",
		"CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "CVSS:3.1/AV:N//AC:L", "CVSS:3.1/AV",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseCVSS(s)
		if err != nil {
			var ce *CVSSError
			if !errors.Is(err, ErrInvalidVector) || !errors.As(err, &ce) {
				t.Fatalf("error %v (%T) is not a *CVSSError wrapping ErrInvalidVector", err, err)
			}
			_ = err.Error()
			return
		}
		out := v.String()
		again, err := ParseCVSS(out)
		if err != nil {
			t.Fatalf("String() %q rejected: %v", out, err)
		}
		if *again != *v || again.String() != out {
			t.Fatalf("round trip: %q → %q → %q", s, out, again.String())
		}
		if v.Version() == "4.0" {
			if out != s {
				t.Fatalf("v4.0 String() %q differs from the accepted input %q", out, s)
			}
			if _, err := v.BaseScore(); !errors.Is(err, ErrNoCVSSScore) {
				t.Fatalf("v4.0 BaseScore: %v", err)
			}
			return
		}
		in, got := strings.Split(s, "/"), strings.Split(out, "/")
		slices.Sort(in)
		slices.Sort(got)
		if !slices.Equal(in, got) {
			t.Fatalf("v3.1 String() %q is not a reordering of %q", out, s)
		}
		for _, score := range []func() (float64, error){v.BaseScore, v.TemporalScore, v.EnvironmentalScore} {
			x, err := score()
			if err != nil || x < 0 || x > 10 {
				t.Fatalf("%s: score %v, %v", s, x, err)
			}
		}
		if _, err := v.Band(); err != nil {
			t.Fatalf("%s: Band: %v", s, err)
		}
	})
}
