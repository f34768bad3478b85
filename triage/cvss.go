package triage

// CVSS vector strings (FIRST CVSS v3.1 Specification Document, revision 1,
// §6 "Vector String" and Table 15; FIRST CVSS v4.0 Specification Document
// §7 "Vector String" and Table 23) and CVSS v3.1 scores (v3.1 §7
// "CVSS v3.1 Equations", §7.4 Table 16 "Metric values", Appendix A
// "Floating Point Rounding").

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/iso27035/iso27035/incident"
)

// ErrInvalidVector is the class of every error ParseCVSS returns: the
// string is not a valid CVSS v3.1 or v4.0 vector string (FIRST CVSS v3.1
// §6, v4.0 §7). The detail is a *CVSSError naming the metric at fault.
var ErrInvalidVector = errors.New("triage: invalid CVSS vector")

// ErrNoCVSSScore is returned by the score methods of CVSSVector for a CVSS
// v4.0 vector: this package does not compute v4.0 scores (v4.0 §8 scores
// through a table of 270 MacroVector scores and an interpolation that is
// not reproduced here). Take the published v4.0 score as an input and band
// it with incident.CVSSBand.
var ErrNoCVSSScore = errors.New("triage: CVSS v4.0 scores are not computed; take the published score as input")

// CVSSError is one problem in a CVSS vector string (FIRST CVSS v3.1 §6,
// v4.0 §7): the metric at fault
// (its abbreviation, such as "AV"; "CVSS" for the prefix and version), the
// value given, if any, and why. It matches ErrInvalidVector.
type CVSSError struct {
	Metric string // the metric abbreviation, or "CVSS" for the prefix/version
	Value  string // the value given, empty when missing
	Reason string // what is wrong
}

// Error describes the problem, for example
//
//	triage: invalid CVSS vector: metric "AV" value "F": value not allowed (want one of: N, A, L, P)
func (e *CVSSError) Error() string {
	var b strings.Builder
	b.WriteString(ErrInvalidVector.Error())
	b.WriteString(":")
	if e.Metric != "" {
		fmt.Fprintf(&b, " metric %q", e.Metric)
	}
	if e.Value != "" {
		fmt.Fprintf(&b, " value %q", e.Value)
	}
	if e.Metric != "" || e.Value != "" {
		b.WriteString(":")
	}
	b.WriteString(" ")
	b.WriteString(e.Reason)
	return b.String()
}

// Unwrap returns ErrInvalidVector.
func (e *CVSSError) Unwrap() error { return ErrInvalidVector }

// cvssMetric is one row of the vector-string table of a CVSS version.
type cvssMetric struct {
	name      string
	values    []string
	mandatory bool
}

// cvss31Metrics is FIRST CVSS v3.1 §6 Table 15, in its order.
var cvss31Metrics = [...]cvssMetric{
	{"AV", []string{"N", "A", "L", "P"}, true},
	{"AC", []string{"L", "H"}, true},
	{"PR", []string{"N", "L", "H"}, true},
	{"UI", []string{"N", "R"}, true},
	{"S", []string{"U", "C"}, true},
	{"C", []string{"H", "L", "N"}, true},
	{"I", []string{"H", "L", "N"}, true},
	{"A", []string{"H", "L", "N"}, true},
	{"E", []string{"X", "H", "F", "P", "U"}, false},
	{"RL", []string{"X", "U", "W", "T", "O"}, false},
	{"RC", []string{"X", "C", "R", "U"}, false},
	{"CR", []string{"X", "H", "M", "L"}, false},
	{"IR", []string{"X", "H", "M", "L"}, false},
	{"AR", []string{"X", "H", "M", "L"}, false},
	{"MAV", []string{"X", "N", "A", "L", "P"}, false},
	{"MAC", []string{"X", "L", "H"}, false},
	{"MPR", []string{"X", "N", "L", "H"}, false},
	{"MUI", []string{"X", "N", "R"}, false},
	{"MS", []string{"X", "U", "C"}, false},
	{"MC", []string{"X", "N", "L", "H"}, false},
	{"MI", []string{"X", "N", "L", "H"}, false},
	{"MA", []string{"X", "N", "L", "H"}, false},
}

// Indexes into cvss31Metrics used by the v3.1 equations.
const (
	c31AV = iota
	c31AC
	c31PR
	c31UI
	c31S
	c31C
	c31I
	c31A
	c31E
	c31RL
	c31RC
	c31CR
	c31IR
	c31AR
	c31MAV
	c31MAC
	c31MPR
	c31MUI
	c31MS
	c31MC
	c31MI
	c31MA
)

// cvss40Metrics is FIRST CVSS v4.0 §7 Table 23, in its order (the order a
// v4.0 vector string must follow).
var cvss40Metrics = [...]cvssMetric{
	{"AV", []string{"N", "A", "L", "P"}, true},
	{"AC", []string{"L", "H"}, true},
	{"AT", []string{"N", "P"}, true},
	{"PR", []string{"N", "L", "H"}, true},
	{"UI", []string{"N", "P", "A"}, true},
	{"VC", []string{"H", "L", "N"}, true},
	{"VI", []string{"H", "L", "N"}, true},
	{"VA", []string{"H", "L", "N"}, true},
	{"SC", []string{"H", "L", "N"}, true},
	{"SI", []string{"H", "L", "N"}, true},
	{"SA", []string{"H", "L", "N"}, true},
	{"E", []string{"X", "A", "P", "U"}, false},
	{"CR", []string{"X", "H", "M", "L"}, false},
	{"IR", []string{"X", "H", "M", "L"}, false},
	{"AR", []string{"X", "H", "M", "L"}, false},
	{"MAV", []string{"X", "N", "A", "L", "P"}, false},
	{"MAC", []string{"X", "L", "H"}, false},
	{"MAT", []string{"X", "N", "P"}, false},
	{"MPR", []string{"X", "N", "L", "H"}, false},
	{"MUI", []string{"X", "N", "P", "A"}, false},
	{"MVC", []string{"X", "H", "L", "N"}, false},
	{"MVI", []string{"X", "H", "L", "N"}, false},
	{"MVA", []string{"X", "H", "L", "N"}, false},
	{"MSC", []string{"X", "H", "L", "N"}, false},
	{"MSI", []string{"X", "S", "H", "L", "N"}, false},
	{"MSA", []string{"X", "S", "H", "L", "N"}, false},
	{"S", []string{"X", "N", "P"}, false},
	{"AU", []string{"X", "N", "Y"}, false},
	{"R", []string{"X", "A", "U", "I"}, false},
	{"V", []string{"X", "D", "C"}, false},
	{"RE", []string{"X", "L", "M", "H"}, false},
	{"U", []string{"X", "Clear", "Green", "Amber", "Red"}, false},
}

const cvssMaxMetrics = len(cvss40Metrics)

// CVSSVector is a parsed CVSS v3.1 or v4.0 vector string (FIRST CVSS v3.1
// §6 Table 15, v4.0 §7 Table 23). It records which
// metrics the string gave (including explicit "X", Not Defined), so String
// reproduces a vector given in the specification's order exactly. The zero
// value is not a valid vector; build one with ParseCVSS. CVSSVector values
// are comparable with ==.
type CVSSVector struct {
	v40  bool
	vals [cvssMaxMetrics]uint8 // 0: not given; else 1 + index into the metric's values
}

// CVSSMetric is one metric of a vector: its abbreviation and value as in
// the vector string ("AV", "N"), as listed in FIRST CVSS v3.1 §6 Table 15
// and v4.0 §7 Table 23.
type CVSSMetric struct {
	Name  string
	Value string
}

func (v *CVSSVector) table() []cvssMetric {
	if v.v40 {
		return cvss40Metrics[:]
	}
	return cvss31Metrics[:]
}

// ParseCVSS parses a CVSS v3.1 or v4.0 vector string, strictly:
//
//   - it begins with "CVSS:3.1/" or "CVSS:4.0/" (other versions, including
//     3.0 whose rounding and environmental formula differ, are rejected);
//   - metrics are "NAME:VALUE" separated by single slashes, with names and
//     values case-sensitive as abbreviated in v3.1 Table 15 / v4.0 Table 23;
//   - every Base metric is present, no metric appears twice, every name is
//     known and every value is allowed for its metric;
//   - v4.0 metrics follow Table 23's order ("every other ordering is
//     invalid", v4.0 §7); v3.1 metrics may come in any order ("Programs
//     reading CVSS v3.1 vector strings must accept metrics in any order",
//     v3.1 §6).
//
// Omitted Temporal, Threat, Environmental and Supplemental metrics are Not
// Defined (X). Every error is a *CVSSError wrapping ErrInvalidVector that
// names the metric at fault.
func ParseCVSS(vector string) (*CVSSVector, error) {
	rest, ok := strings.CutPrefix(vector, "CVSS:")
	if !ok {
		prefix, _, _ := strings.Cut(vector, "/")
		return nil, &CVSSError{Metric: "CVSS", Value: prefix, Reason: `missing "CVSS:" prefix (CVSS v3.1 §6, v4.0 §7)`}
	}
	version, rest, more := strings.Cut(rest, "/")
	v := &CVSSVector{}
	switch version {
	case "3.1":
	case "4.0":
		v.v40 = true
	case "3.0":
		return nil, &CVSSError{Metric: "CVSS", Value: version,
			Reason: "CVSS v3.0 is not supported (its Roundup and environmental equations differ from v3.1); want 3.1 or 4.0"}
	default:
		return nil, &CVSSError{Metric: "CVSS", Value: version, Reason: "unsupported version: want 3.1 or 4.0"}
	}
	tab := v.table()
	last, prev := -1, -1 // highest and latest metric index seen
	for start := 0; more; {
		// One pass over the next "NAME:VALUE" up to "/" or the end.
		end, colon := start, -1
		for end < len(rest) && rest[end] != '/' {
			if colon < 0 && rest[end] == ':' {
				colon = end
			}
			end++
		}
		part := rest[start:end]
		if part == "" {
			return nil, &CVSSError{Reason: `empty metric: "/" doubled, or at the end`}
		}
		if colon < 0 {
			return nil, &CVSSError{Metric: part, Reason: `want NAME:VALUE`}
		}
		name, value := rest[start:colon], rest[colon+1:end]
		more, start = end < len(rest), end+1
		i := cvssMetricIndexFrom(tab, name, prev+1)
		if i < 0 {
			reason := "unknown metric"
			if j := cvssMetricFold(tab, name); j >= 0 {
				reason += fmt.Sprintf(" (names are case-sensitive: %q)", tab[j].name)
			}
			return nil, &CVSSError{Metric: name, Value: value, Reason: reason + " for CVSS " + version}
		}
		if v.vals[i] != 0 {
			return nil, &CVSSError{Metric: name, Value: value, Reason: "metric given more than once"}
		}
		k := -1
		for j, allowed := range tab[i].values {
			if allowed == value {
				k = j
				break
			}
		}
		if k < 0 {
			return nil, &CVSSError{Metric: name, Value: value,
				Reason: "value not allowed (want one of: " + strings.Join(tab[i].values, ", ") + ")"}
		}
		if v.v40 && i < last {
			return nil, &CVSSError{Metric: name, Value: value,
				Reason: fmt.Sprintf("out of order: %s must come before %s (CVSS v4.0 §7, Table 23)", name, tab[last].name)}
		}
		last = max(last, i)
		prev = i
		v.vals[i] = uint8(k + 1) //nolint:gosec // k < 6
	}
	for i, m := range tab {
		if m.mandatory && v.vals[i] == 0 {
			return nil, &CVSSError{Metric: m.name, Reason: "mandatory base metric missing"}
		}
	}
	return v, nil
}

func cvssMetricIndex(tab []cvssMetric, name string) int {
	for i := range tab {
		if tab[i].name == name {
			return i
		}
	}
	return -1
}

// cvssMetricIndexFrom is cvssMetricIndex starting at start and wrapping
// around: vectors usually list metrics in the specification's order, so the
// metric after the previous one is found first.
func cvssMetricIndexFrom(tab []cvssMetric, name string, start int) int {
	for i := start; i < len(tab); i++ {
		if tab[i].name == name {
			return i
		}
	}
	for i := 0; i < start && i < len(tab); i++ {
		if tab[i].name == name {
			return i
		}
	}
	return -1
}

func cvssMetricFold(tab []cvssMetric, name string) int {
	for i := range tab {
		if strings.EqualFold(tab[i].name, name) {
			return i
		}
	}
	return -1
}

// Version returns the CVSS version of the vector string: "3.1" (FIRST CVSS
// v3.1 specification) or "4.0" (FIRST CVSS v4.0 specification).
func (v *CVSSVector) Version() string {
	if v.v40 {
		return "4.0"
	}
	return "3.1"
}

// String returns the vector string: "CVSS:<version>" followed by the metrics
// the parsed string gave, in the specification's order (v3.1 Table 15,
// v4.0 Table 23). For a string that was in that order, String returns it
// unchanged.
func (v *CVSSVector) String() string {
	var b strings.Builder
	b.Grow(64)
	b.WriteString("CVSS:")
	b.WriteString(v.Version())
	tab := v.table()
	for i, m := range tab {
		if k := v.vals[i]; k != 0 {
			b.WriteByte('/')
			b.WriteString(m.name)
			b.WriteByte(':')
			b.WriteString(m.values[k-1])
		}
	}
	return b.String()
}

// Metrics returns the metrics the vector string gave, in the
// specification's order (v3.1 §6 Table 15, v4.0 §7 Table 23).
func (v *CVSSVector) Metrics() []CVSSMetric {
	var out []CVSSMetric
	for i, m := range v.table() {
		if k := v.vals[i]; k != 0 {
			out = append(out, CVSSMetric{Name: m.name, Value: m.values[k-1]})
		}
	}
	return out
}

// Value returns the value of metric (an abbreviation such as "AV" or
// "MAV") and whether the vector string gave it. An optional metric the
// string left out is "X" (Not Defined, v3.1 §6, v4.0 §7) with given false;
// a name that is not a metric of the vector's version gives "", false.
func (v *CVSSVector) Value(metric string) (value string, given bool) {
	tab := v.table()
	i := cvssMetricIndex(tab, metric)
	if i < 0 {
		return "", false
	}
	if k := v.vals[i]; k != 0 {
		return tab[i].values[k-1], true
	}
	return "X", false
}

// val31 returns the value letter of a v3.1 metric, "X" when not given.
func (v *CVSSVector) val31(i int) string {
	if k := v.vals[i]; k != 0 {
		return cvss31Metrics[i].values[k-1]
	}
	return "X"
}

// BaseScore returns the CVSS v3.1 Base Score (FIRST CVSS v3.1 §7.1, with the
// constants of §7.4 Table 16 and Roundup as in Appendix A). For a v4.0
// vector it returns an error wrapping ErrNoCVSSScore.
func (v *CVSSVector) BaseScore() (float64, error) {
	if v.v40 {
		return 0, ErrNoCVSSScore
	}
	changed := v.val31(c31S) == "C"
	iss := 1 - (1-cvss31CIA(v.val31(c31C)))*(1-cvss31CIA(v.val31(c31I)))*(1-cvss31CIA(v.val31(c31A)))
	var impact float64
	if changed {
		impact = 7.52*(iss-0.029) - 3.25*math.Pow(iss-0.02, 15)
	} else {
		impact = 6.42 * iss
	}
	if impact <= 0 {
		return 0, nil
	}
	expl := 8.22 * cvss31AV(v.val31(c31AV)) * cvss31AC(v.val31(c31AC)) *
		cvss31PR(v.val31(c31PR), changed) * cvss31UI(v.val31(c31UI))
	if changed {
		return cvssRoundup(math.Min(1.08*(impact+expl), 10)), nil
	}
	return cvssRoundup(math.Min(impact+expl, 10)), nil
}

// TemporalScore returns the CVSS v3.1 Temporal Score (v3.1 §7.2):
// Roundup(BaseScore × ExploitCodeMaturity × RemediationLevel ×
// ReportConfidence), Not Defined metrics counting as 1. For a v4.0 vector
// it returns an error wrapping ErrNoCVSSScore.
func (v *CVSSVector) TemporalScore() (float64, error) {
	base, err := v.BaseScore()
	if err != nil {
		return 0, err
	}
	return cvssRoundup(v.temporal(base)), nil
}

// temporal multiplies score by the Temporal metrics' constants, left to
// right as in FIRST's reference calculator (cvsscalc31.js), so that the
// floating-point result is the same.
func (v *CVSSVector) temporal(score float64) float64 {
	return score * cvss31E(v.val31(c31E)) * cvss31RL(v.val31(c31RL)) * cvss31RC(v.val31(c31RC))
}

// EnvironmentalScore returns the CVSS v3.1 Environmental Score (v3.1 §7.3):
// Modified Base metrics that are Not Defined take the Base metric's value
// (Modified Scope likewise), Security Requirements that are Not Defined
// count as 1, and the v3.1 ModifiedImpact formula (exponent 13, factor
// 0.9731) applies. For a v4.0 vector it returns an error wrapping
// ErrNoCVSSScore.
func (v *CVSSVector) EnvironmentalScore() (float64, error) {
	if v.v40 {
		return 0, ErrNoCVSSScore
	}
	mod := func(m, base int) string {
		if s := v.val31(m); s != "X" {
			return s
		}
		return v.val31(base)
	}
	changed := mod(c31MS, c31S) == "C"
	miss := math.Min(1-
		(1-cvss31Req(v.val31(c31CR))*cvss31CIA(mod(c31MC, c31C)))*
			(1-cvss31Req(v.val31(c31IR))*cvss31CIA(mod(c31MI, c31I)))*
			(1-cvss31Req(v.val31(c31AR))*cvss31CIA(mod(c31MA, c31A))), 0.915)
	var impact float64
	if changed {
		impact = 7.52*(miss-0.029) - 3.25*math.Pow(miss*0.9731-0.02, 13)
	} else {
		impact = 6.42 * miss
	}
	if impact <= 0 {
		return 0, nil
	}
	expl := 8.22 * cvss31AV(mod(c31MAV, c31AV)) * cvss31AC(mod(c31MAC, c31AC)) *
		cvss31PR(mod(c31MPR, c31PR), changed) * cvss31UI(mod(c31MUI, c31UI))
	sum := impact + expl
	if changed {
		sum *= 1.08
	}
	return cvssRoundup(v.temporal(cvssRoundup(math.Min(sum, 10)))), nil
}

// Band returns the qualitative severity rating of the CVSS v3.1 Base Score
// (FIRST CVSS v3.1 §5, Table 14), through incident.CVSSBand: "none",
// "low", "medium", "high" or "critical". For a v4.0 vector it returns an
// error wrapping ErrNoCVSSScore: band the published v4.0 score with
// incident.CVSSBand (v4.0 §6 uses the same bands).
func (v *CVSSVector) Band() (incident.Severity, error) {
	score, err := v.BaseScore()
	if err != nil {
		return "", err
	}
	return incident.CVSSBand(score)
}

// cvssRoundup is Roundup of FIRST CVSS v3.1 §7 with the integer arithmetic
// of Appendix A: the smallest number with one decimal that is equal to or
// higher than x, for x ≥ 0.
func cvssRoundup(x float64) float64 {
	i := int64(math.Round(x * 100000))
	if i%10000 == 0 {
		return float64(i) / 100000
	}
	return float64(i/10000+1) / 10
}

// The constants of FIRST CVSS v3.1 §7.4 Table 16.

func cvss31AV(s string) float64 {
	switch s {
	case "N":
		return 0.85
	case "A":
		return 0.62
	case "L":
		return 0.55
	default: // "P"
		return 0.2
	}
}

func cvss31AC(s string) float64 {
	if s == "L" {
		return 0.77
	}
	return 0.44 // "H"
}

func cvss31PR(s string, scopeChanged bool) float64 {
	switch s {
	case "N":
		return 0.85
	case "L":
		if scopeChanged {
			return 0.68
		}
		return 0.62
	default: // "H"
		if scopeChanged {
			return 0.5
		}
		return 0.27
	}
}

func cvss31UI(s string) float64 {
	if s == "N" {
		return 0.85
	}
	return 0.62 // "R"
}

func cvss31CIA(s string) float64 {
	switch s {
	case "H":
		return 0.56
	case "L":
		return 0.22
	default: // "N"
		return 0
	}
}

func cvss31E(s string) float64 {
	switch s {
	case "F":
		return 0.97
	case "P":
		return 0.94
	case "U":
		return 0.91
	default: // "X", "H"
		return 1
	}
}

func cvss31RL(s string) float64 {
	switch s {
	case "W":
		return 0.97
	case "T":
		return 0.96
	case "O":
		return 0.95
	default: // "X", "U"
		return 1
	}
}

func cvss31RC(s string) float64 {
	switch s {
	case "R":
		return 0.96
	case "U":
		return 0.92
	default: // "X", "C"
		return 1
	}
}

func cvss31Req(s string) float64 {
	switch s {
	case "H":
		return 1.5
	case "L":
		return 0.5
	default: // "X", "M"
		return 1
	}
}
