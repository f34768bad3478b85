package triage

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/iso27035/iso27035/incident"
)

// CVSS v3.1 scores. Expected values are those of FIRST's reference
// calculator (cvsscalc31.js, the calculator linked from the v3.1
// specification); the first ones are the well-known examples. During
// development the implementation was also compared with that calculator's
// equations on all 2,592 Base vectors and 200,000 random vectors with
// Temporal and Environmental metrics: no difference.
var cvss31Scores = []struct {
	vector         string
	base, tmp, env float64
	band           incident.Severity
}{
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, 9.8, 9.8, incident.SeverityCritical},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5, 7.5, 7.5, incident.SeverityHigh},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0, 0, 0, incident.SeverityNone},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10, 10, 10, incident.SeverityCritical},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:N", 0, 0, 0, incident.SeverityNone},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, 6.1, 6.1, incident.SeverityMedium}, // typical reflected XSS
	{"CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:N", 3.8, 3.8, 3.8, incident.SeverityLow},    // v3.1 §6 example
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8.8, 8.8, 8.8, incident.SeverityHigh},
	{"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8, 7.8, 7.8, incident.SeverityHigh},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:L", 4.3, 4.3, 4.3, incident.SeverityMedium},
	{"CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6, 1.6, 1.6, incident.SeverityLow},
	// Scope changed: the Environmental equation (exponent 13, factor 0.9731)
	// differs from the Base one even without Environmental metrics.
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H", 9.6, 9.6, 9.7, incident.SeverityCritical},
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9, 9.9, 10, incident.SeverityCritical},
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:H", 9.0, 9.0, 9.1, incident.SeverityCritical},
	// Temporal metrics.
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N/E:P/RL:W/RC:C", 6.1, 5.6, 5.6, incident.SeverityMedium},
	{"CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:N/E:F/RL:X", 3.8, 3.7, 3.7, incident.SeverityLow},
	// Environmental metrics.
	{"CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:N/E:P/RC:C/CR:H/IR:H/MAV:X/MAC:X/MPR:H/MUI:X/MS:C/MC:L/MI:H", 7.1, 6.7, 7.4, incident.SeverityHigh},
	{"CVSS:3.1/AV:L/AC:L/PR:H/UI:R/S:U/C:L/I:N/A:H/E:P/RL:U/RC:C/CR:H/IR:L/AR:H/MAC:X/MPR:X/MUI:R/MS:C/MC:L/MI:H/MA:L", 4.8, 4.6, 6.2, incident.SeverityMedium},
	{"CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:L/I:N/A:H/E:U/RL:O/RC:U/MAV:P/MPR:L/MUI:N/MS:X/MC:L/MI:X/MA:N", 6.9, 5.5, 1.7, incident.SeverityMedium},
	{"CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:C/C:H/I:H/A:L/E:U/RL:O/RC:U/CR:M/IR:X/AR:H/MAV:P/MAC:X/MUI:X/MS:X/MC:N/MI:L/MA:H", 7.2, 5.8, 5.5, incident.SeverityHigh},
	{"CVSS:3.1/AV:L/AC:H/PR:N/UI:R/S:C/C:L/I:H/A:H/RC:X/IR:X/MAV:P/MAC:L/MPR:N/MUI:X/MS:C/MC:N/MI:N/MA:N", 7.6, 7.6, 0, incident.SeverityHigh},
	{"CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:N/I:N/A:N/E:U/RL:U/RC:X/IR:M/AR:L/MAC:L/MPR:H/MUI:X/MS:X/MC:L/MI:N/MA:H", 0, 0, 4.8, incident.SeverityNone},
	{"CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:C/C:N/I:H/A:N/E:H/RL:O/CR:X/IR:X/AR:L/MPR:X/MUI:R/MS:U/MI:H/MA:N", 5.3, 5.1, 4.1, incident.SeverityMedium},
}

func TestCVSS31Scores(t *testing.T) {
	for _, c := range cvss31Scores {
		v, err := ParseCVSS(c.vector)
		if err != nil {
			t.Fatalf("%s: %v", c.vector, err)
		}
		base, err := v.BaseScore()
		if err != nil || base != c.base {
			t.Errorf("%s: base %v, %v; want %v", c.vector, base, err, c.base)
		}
		tmp, err := v.TemporalScore()
		if err != nil || tmp != c.tmp {
			t.Errorf("%s: temporal %v, %v; want %v", c.vector, tmp, err, c.tmp)
		}
		env, err := v.EnvironmentalScore()
		if err != nil || env != c.env {
			t.Errorf("%s: environmental %v, %v; want %v", c.vector, env, err, c.env)
		}
		band, err := v.Band()
		if err != nil || band != c.band {
			t.Errorf("%s: band %q, %v; want %q", c.vector, band, err, c.band)
		}
		if v.String() != c.vector {
			t.Errorf("String() = %s", v.String())
		}
	}
}

// TestCVSS31ScoresInRange checks every Base vector (4·2·3·2·2·3·3·3 =
// 2,592) scores within 0.0..10.0 with one decimal, and that no impact gives
// 0.0 (v3.1 §7.1).
func TestCVSS31ScoresInRange(t *testing.T) {
	n := 0
	for _, av := range "NALP" {
		for _, ac := range "LH" {
			for _, pr := range "NLH" {
				for _, ui := range "NR" {
					for _, s := range "UC" {
						for _, c := range "HLN" {
							for _, i := range "HLN" {
								for _, a := range "HLN" {
									vec := fmt.Sprintf("CVSS:3.1/AV:%c/AC:%c/PR:%c/UI:%c/S:%c/C:%c/I:%c/A:%c", av, ac, pr, ui, s, c, i, a)
									v, err := ParseCVSS(vec)
									if err != nil {
										t.Fatal(err)
									}
									score, _ := v.BaseScore()
									if score < 0 || score > 10 || score*10 != float64(int(score*10+0.5)) {
										t.Errorf("%s: %v", vec, score)
									}
									if (c == 'N' && i == 'N' && a == 'N') != (score == 0) {
										t.Errorf("%s: %v", vec, score)
									}
									n++
								}
							}
						}
					}
				}
			}
		}
	}
	if n != 2592 {
		t.Fatalf("%d vectors", n)
	}
}

func TestCVSSRoundup(t *testing.T) {
	for _, c := range []struct{ in, want float64 }{
		{4.02, 4.1}, {4.00, 4.0}, // v3.1 §7
		{1.200003, 1.2},  // Appendix A
		{0.1 + 0.2, 0.3}, // Appendix A: 0.30000000000000004
		{0, 0}, {9.99, 10}, {10, 10}, {0.000009, 0.1}, {0.000001, 0},
	} {
		if got := cvssRoundup(c.in); got != c.want {
			t.Errorf("Roundup(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestParseCVSS31AnyOrder(t *testing.T) {
	// v3.1 §6: "the metrics in a non-preferred ordering" example.
	v, err := ParseCVSS("CVSS:3.1/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N/E:F/RL:X")
	if err != nil {
		t.Fatal(err)
	}
	if got := v.String(); got != "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:N/E:F/RL:X" {
		t.Errorf("String() = %s", got)
	}
	if val, given := v.Value("RL"); val != "X" || !given {
		t.Errorf("RL = %q %v", val, given)
	}
	if val, given := v.Value("RC"); val != "X" || given {
		t.Errorf("RC = %q %v", val, given)
	}
	if val, given := v.Value("AT"); val != "" || given {
		t.Errorf("AT (a v4.0 metric) = %q %v", val, given)
	}
	if val, given := v.Value("S"); val != "U" || !given {
		t.Errorf("S = %q %v", val, given)
	}
	want := []CVSSMetric{{"AV", "N"}, {"AC", "L"}, {"PR", "H"}, {"UI", "N"}, {"S", "U"}, {"C", "L"}, {"I", "L"}, {"A", "N"}, {"E", "F"}, {"RL", "X"}}
	if got := v.Metrics(); !slices.Equal(got, want) {
		t.Errorf("Metrics() = %v", got)
	}
	if v.Version() != "3.1" {
		t.Errorf("Version() = %q", v.Version())
	}
}

// Valid v4.0 vectors of the v4.0 specification §7.
var cvss40Valid = []string{
	"CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N",
	"CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N/E:A",
	"CVSS:4.0/AV:A/AC:H/AT:P/PR:L/UI:P/VC:H/VI:H/VA:H/SC:L/SI:L/SA:L/E:P",
	"CVSS:4.0/AV:L/AC:H/AT:N/PR:N/UI:A/VC:N/VI:N/VA:L/SC:H/SI:H/SA:H/CR:H/IR:H/AR:M/MAV:N/MAC:L/MAT:P/MPR:L/MUI:A/MVC:N/MVI:H/MVA:L/MSC:L/MSI:S/MSA:H",
	"CVSS:4.0/AV:P/AC:H/AT:P/PR:L/UI:P/VC:H/VI:H/VA:H/SC:L/SI:L/SA:L/E:A/S:P/AU:Y/R:A/V:D/RE:L/U:Red",
	// The spec's "fixed ordering is not respected" example, put in order.
	"CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N/E:U/CR:L/IR:X/AR:L/MAV:A/MAC:H/MAT:N/MPR:N/MUI:P/MVC:X/MVI:N/MVA:H/MSC:N/MSI:L/MSA:S/S:N/AU:N/R:I/V:C/RE:H/U:Green",
	"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
}

func TestParseCVSS40(t *testing.T) {
	for _, s := range cvss40Valid {
		v, err := ParseCVSS(s)
		if err != nil {
			t.Errorf("%s: %v", s, err)
			continue
		}
		if v.String() != s || v.Version() != "4.0" {
			t.Errorf("String() = %s", v.String())
		}
		if _, err := v.BaseScore(); !errors.Is(err, ErrNoCVSSScore) {
			t.Errorf("BaseScore: %v", err)
		}
		if _, err := v.TemporalScore(); !errors.Is(err, ErrNoCVSSScore) {
			t.Errorf("TemporalScore: %v", err)
		}
		if _, err := v.EnvironmentalScore(); !errors.Is(err, ErrNoCVSSScore) {
			t.Errorf("EnvironmentalScore: %v", err)
		}
		if _, err := v.Band(); !errors.Is(err, ErrNoCVSSScore) {
			t.Errorf("Band: %v", err)
		}
	}
	v, _ := ParseCVSS(cvss40Valid[4])
	if val, given := v.Value("U"); val != "Red" || !given {
		t.Errorf("U = %q %v", val, given)
	}
	if val, given := v.Value("S"); val != "P" || !given { // Safety in v4.0, Scope in v3.1
		t.Errorf("S = %q %v", val, given)
	}
	if val, given := v.Value("MSI"); val != "X" || given {
		t.Errorf("MSI = %q %v", val, given)
	}
}

func TestParseCVSSErrors(t *testing.T) {
	const b31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
	const b40 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N"
	for _, c := range []struct {
		in     string
		metric string
		value  string
		reason string
	}{
		{"", "CVSS", "", `missing "CVSS:" prefix`},
		// v4.0 §7 invalid examples.
		{"AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N", "CVSS", "AV:N", `missing "CVSS:" prefix`},
		{"CVSS:4.0/AV:F/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N", "AV", "F", "value not allowed (want one of: N, A, L, P)"},
		{b40 + "/E:A/E:X", "E", "X", "more than once"},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/ui:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N", "ui", "N", `unknown metric (names are case-sensitive: "UI") for CVSS 4.0`},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/SC:N/SI:N/SA:N", "VA", "", "mandatory base metric missing"},
		{"CVSS:4.0/AC:L/AV:N/PR:H/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N/CR:L/IR:X/AR:L/RE:H/MAV:A/MAC:H/MAT:N/MUI:P/AT:N/MVC:X/MVI:N/MVA:H/MSC:N/MSI:L/MSA:S/E:U/S:N/AU:N/R:I/V:C/U:Green",
			"AV", "N", "out of order: AV must come before AC"},
		{b40 + "/U:red", "U", "red", "value not allowed"},
		{b40 + "/MSI:S/MSC:S", "MSC", "S", "value not allowed"},
		{b40 + "/RE:H/E:A", "E", "A", "out of order: E must come before RE"},
		// Prefix and version.
		{"cvss:3.1/AV:N", "CVSS", "cvss:3.1", `missing "CVSS:" prefix`},
		{"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS", "3.0", "v3.0 is not supported"},
		{"CVSS:2.0/AV:N", "CVSS", "2.0", "unsupported version"},
		{"CVSS:4.1/AV:N", "CVSS", "4.1", "unsupported version"},
		{"CVSS:", "CVSS", "", "unsupported version"},
		// Structure.
		{"CVSS:3.1", "AV", "", "mandatory base metric missing"},
		{"CVSS:3.1/", "", "", "empty metric"},
		{b31 + "/", "", "", "empty metric"},
		{"CVSS:3.1/AV:N//AC:L", "", "", "empty metric"},
		{"CVSS:3.1/AV", "AV", "", "want NAME:VALUE"},
		{"CVSS:3.1/AV:N:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "AV", "N:L", "value not allowed"},
		// v3.1 metrics and values.
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "A", "", "mandatory base metric missing"},
		{"CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "AV", "X", "value not allowed"},
		{"CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "AV", "n", "value not allowed"},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:P/S:U/C:H/I:H/A:H", "UI", "P", "value not allowed (want one of: N, R)"},
		{b31 + "/AT:N", "AT", "N", "unknown metric for CVSS 3.1"},
		{b31 + "/E:A", "E", "A", "value not allowed"},
		{b31 + "/AV:N", "AV", "N", "more than once"},
		{"CVSS:3.1/AV:N/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "AV", "L", "more than once"},
		{b31 + "/MS:X/MS:X", "MS", "X", "more than once"},
		{b31 + " ", "A", "H ", "value not allowed"},
	} {
		t.Run(c.in, func(t *testing.T) {
			v, err := ParseCVSS(c.in)
			if err == nil {
				t.Fatalf("accepted: %s", v)
			}
			if !errors.Is(err, ErrInvalidVector) {
				t.Errorf("%v does not wrap ErrInvalidVector", err)
			}
			var ce *CVSSError
			if !errors.As(err, &ce) {
				t.Fatalf("%T", err)
			}
			if ce.Metric != c.metric || ce.Value != c.value || !strings.Contains(ce.Reason, c.reason) {
				t.Errorf("got %+v; want metric %q value %q reason ~%q", ce, c.metric, c.value, c.reason)
			}
		})
	}
}

func TestCVSSErrorMessage(t *testing.T) {
	_, err := ParseCVSS("CVSS:4.0/AV:F/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N")
	want := `triage: invalid CVSS vector: metric "AV" value "F": value not allowed (want one of: N, A, L, P)`
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
	_, err = ParseCVSS("CVSS:3.1/")
	want = `triage: invalid CVSS vector: empty metric: "/" doubled, or at the end`
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}

func TestCVSSVectorComparable(t *testing.T) {
	a, _ := ParseCVSS("CVSS:3.1/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N")
	b, _ := ParseCVSS("CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:N")
	c, _ := ParseCVSS("CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:N/E:X")
	if *a != *b {
		t.Error("same metrics in another order differ")
	}
	if *b == *c {
		t.Error("an explicit E:X is not recorded")
	}
}
