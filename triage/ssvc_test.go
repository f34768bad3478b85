package triage

import (
	"bytes"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// publishedTable describes one of CERT/CC's CSV decision tables copied into
// testdata/ssvc (github.com/CERTCC/SSVC @ e3b00a25, data/csv/). The value
// orders are those of the matching JSON decision tables
// (data/json/decision_tables/…), written out here as facts to check.
type publishedTable struct {
	file     string
	rows     int
	points   [][]string // published value order of each decision point, column order
	outcomes []string   // published outcome order
}

var publishedTables = []publishedTable{
	{"cisa_coordinator_2_0_3.csv", 36,
		[][]string{{"none", "public poc", "active"}, {"no", "yes"}, {"partial", "total"}, {"low", "medium", "high"}},
		[]string{"track", "track*", "attend", "act"}},
	{"deployer_patch_application_priority_1_0_0.csv", 72,
		[][]string{{"none", "public poc", "active"}, {"small", "controlled", "open"}, {"no", "yes"}, {"low", "medium", "high", "very high"}},
		[]string{"defer", "scheduled", "out-of-cycle", "immediate"}},
	{"supplier_patch_development_priority_1_0_0.csv", 36,
		[][]string{{"none", "public poc", "active"}, {"laborious", "efficient", "super effective"}, {"partial", "total"}, {"minimal", "significant"}},
		[]string{"defer", "scheduled", "out-of-cycle", "immediate"}},
	{"coordinator_triage_1_0_0.csv", 192,
		[][]string{{"yes", "no"}, {"no", "yes"}, {"not credible", "credible"}, {"one", "multiple"}, {"active", "unresponsive"},
			{"laborious", "efficient", "super effective"}, {"minimal", "significant"}},
		[]string{"decline", "track", "coordinate"}},
	{"coordinator_publish_decision_table_1_0_0.csv", 27,
		[][]string{{"fix ready", "cooperative", "uncooperative/unresponsive"}, {"none", "public poc", "active"}, {"limited", "ampliative", "precedence"}},
		[]string{"do not publish", "publish"}},
	{"cisa_bod_26_04_1_0_0.csv", 16,
		[][]string{{"no", "yes"}, {"no", "yes"}, {"no", "yes"}, {"partial", "total"}},
		[]string{"fix on system upgrade", "60 days", "14 days", "3 days", "3 days & forensic investigation"}},
	{"human_impact_1_0_0.csv", 16,
		[][]string{{"negligible", "marginal", "critical", "catastrophic"}, {"degraded", "mef support crippled", "mef failure", "mission failure"}},
		[]string{"low", "medium", "high", "very high"}},
	{"public_safety_impact_1_0_0.csv", 4,
		[][]string{{"negligible", "marginal", "critical", "catastrophic"}},
		[]string{"minimal", "significant"}},
	{"utility_1_0_0.csv", 4,
		[][]string{{"no", "yes"}, {"diffuse", "concentrated"}},
		[]string{"laborious", "efficient", "super effective"}},
	{"cvss_v4_equivalence_set_1_1_0_0.csv", 36,
		[][]string{{"physical", "local", "adjacent", "network"}, {"high", "low", "none"}, {"active", "passive", "none"}},
		[]string{"low", "medium", "high"}},
	{"cvss_v4_equivalence_set_2_1_0_0.csv", 4,
		[][]string{{"high", "low"}, {"present", "none"}},
		[]string{"low", "high"}},
	{"cvss_v4_equivalence_set_3_1_0_0.csv", 27,
		[][]string{{"none", "low", "high"}, {"none", "low", "high"}, {"none", "low", "high"}},
		[]string{"low", "medium", "high"}},
	{"cvss_v4_equivalence_set_4_1_0_0.csv", 48,
		[][]string{{"negligible", "low", "high"}, {"negligible", "low", "high", "safety"}, {"negligible", "low", "high", "safety"}},
		[]string{"low", "medium", "high"}},
	{"cvss_v4_equivalence_set_5_1_0_0.csv", 3,
		[][]string{{"unreported", "proof-of-concept", "attacked"}},
		[]string{"low", "medium", "high"}},
	{"cvss_v4_equivalence_set_6_1_0_0.csv", 729,
		[][]string{{"low", "medium", "high"}, {"none", "low", "high"}, {"low", "medium", "high"}, {"none", "low", "high"}, {"low", "medium", "high"}, {"none", "low", "high"}},
		[]string{"low", "high"}},
	{"cvss_v4_0_qualitative_severity_ratings_4_0_0.csv", 324,
		[][]string{{"low", "medium", "high"}, {"low", "high"}, {"low", "medium", "high"}, {"low", "medium", "high"}, {"low", "medium", "high"}, {"low", "high"}},
		[]string{"none", "low", "medium", "high", "critical"}},
}

func readTestdata(t testing.TB, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "ssvc", file))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readRecords reads a CSV file independently of ParseSSVCCSV.
func readRecords(t testing.TB, data []byte) [][]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// checkRowByRow asserts that tab decides every published row of recs (the
// CSV records, header first) to its published outcome, through Decide,
// DecideValues and DecideIndex.
func checkRowByRow(t *testing.T, tab *DecisionTable, recs [][]string) int {
	t.Helper()
	header := recs[0]
	n := 0
	for li, rec := range recs[1:] {
		inputs := rec[1 : len(rec)-1]
		want := rec[len(rec)-1]
		m := make(map[string]string, len(inputs))
		ords := make([]int, len(inputs))
		points := tab.DecisionPoints()
		for i, v := range inputs {
			p, _ := parseSSVCHeader(header[1+i])
			m[p.Name] = v
			ords[i] = points[i].Index(v)
		}
		got, err := tab.DecideValues(inputs...)
		if err != nil || got != want {
			t.Fatalf("line %d %v: DecideValues = %q, %v; published %q", li+2, inputs, got, err, want)
		}
		got, err = tab.Decide(m)
		if err != nil || got != want {
			t.Fatalf("line %d %v: Decide = %q, %v; published %q", li+2, m, got, err, want)
		}
		got, err = tab.DecideIndex(ords)
		if err != nil || got != want {
			t.Fatalf("line %d %v: DecideIndex = %q, %v; published %q", li+2, ords, got, err, want)
		}
		n++
	}
	return n
}

func TestPublishedTablesRowByRow(t *testing.T) {
	for _, pt := range publishedTables {
		t.Run(pt.file, func(t *testing.T) {
			data := readTestdata(t, pt.file)
			recs := readRecords(t, data)

			// With the published outcome order declared.
			tab, err := ParseSSVCCSV(bytes.NewReader(data), WithSSVCOutcomes(pt.outcomes...))
			if err != nil {
				t.Fatal(err)
			}
			if tab.Len() != pt.rows || len(recs)-1 != pt.rows {
				t.Fatalf("Len = %d, CSV rows = %d, want %d", tab.Len(), len(recs)-1, pt.rows)
			}
			if got := checkRowByRow(t, tab, recs); got != pt.rows {
				t.Fatalf("checked %d rows, want %d", got, pt.rows)
			}
			if got := tab.Outcome().Values; !slices.Equal(got, pt.outcomes) {
				t.Errorf("outcomes = %q, want %q", got, pt.outcomes)
			}

			// Without options: the decision points' values come out in the
			// published order (first appearance in a linear extension).
			plain, err := ParseSSVCCSV(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			points := plain.DecisionPoints()
			if len(points) != len(pt.points) {
				t.Fatalf("%d decision points, want %d", len(points), len(pt.points))
			}
			for i, p := range points {
				if !slices.Equal(p.Values, pt.points[i]) {
					t.Errorf("%s values = %q, published order %q", p.Name, p.Values, pt.points[i])
				}
			}
			checkRowByRow(t, plain, recs)
			t.Logf("%s: %d rows match", pt.file, pt.rows)
		})
	}
}

func TestCISATree(t *testing.T) {
	data := readTestdata(t, "cisa_coordinator_2_0_3.csv")
	if !bytes.Equal(data, cisaCoordinatorCSV) {
		t.Fatal("embedded ssvcdata/cisa_coordinator_2_0_3.csv differs from testdata/ssvc copy")
	}
	tab := CISATree()
	if tab != CISATree() {
		t.Error("CISATree builds a new table on every call")
	}
	if n := checkRowByRow(t, tab, readRecords(t, data)); n != 36 {
		t.Fatalf("checked %d rows, want 36", n)
	}
	if tab.Name() != "CISA Coordinator v2.0.3" {
		t.Errorf("Name = %q", tab.Name())
	}
	wantPoints := []DecisionPoint{
		{Name: CISAExploitation, Version: "1.1.0", Values: []string{"none", "public poc", "active"}},
		{Name: CISAAutomatable, Version: "2.0.0", Values: []string{"no", "yes"}},
		{Name: CISATechnicalImpact, Version: "1.0.0", Values: []string{"partial", "total"}},
		{Name: CISAMissionWellBeing, Version: "1.0.0", Values: []string{"low", "medium", "high"}},
	}
	for i, p := range tab.DecisionPoints() {
		w := wantPoints[i]
		if p.Name != w.Name || p.Version != w.Version || p.Namespace != "" || !slices.Equal(p.Values, w.Values) {
			t.Errorf("decision point %d = %+v, want %+v", i, p, w)
		}
	}
	o := tab.Outcome()
	if o.String() != "CISA Levels v1.1.0 (cisa)" || !slices.Equal(o.Values, []string{CISATrack, CISATrackStar, CISAAttend, CISAAct}) {
		t.Errorf("outcome = %+v", o)
	}
	// Spot checks against the CISA SSVC table (CISA, "Stakeholder-Specific Vulnerability Categorization Guide", 2022).
	for _, c := range []struct {
		in   [4]string
		want string
	}{
		{[4]string{"none", "no", "partial", "high"}, CISATrack},
		{[4]string{"none", "no", "total", "high"}, CISATrackStar},
		{[4]string{"public poc", "no", "total", "medium"}, CISATrackStar},
		{[4]string{"none", "yes", "partial", "high"}, CISAAttend},
		{[4]string{"active", "no", "total", "medium"}, CISAAttend},
		{[4]string{"active", "yes", "partial", "low"}, CISAAttend},
		{[4]string{"active", "no", "total", "high"}, CISAAct},
		{[4]string{"active", "yes", "total", "medium"}, CISAAct},
	} {
		got, err := tab.DecideValues(c.in[:]...)
		if err != nil || got != c.want {
			t.Errorf("%v = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

// TestPublishedTablesMonotone checks a property of CERT/CC's tables that
// the value orders rely on: raising one decision point's value never lowers
// the outcome (with the published outcome order).
func TestPublishedTablesMonotone(t *testing.T) {
	for _, pt := range publishedTables {
		tab, err := ParseSSVCCSV(bytes.NewReader(readTestdata(t, pt.file)), WithSSVCOutcomes(pt.outcomes...))
		if err != nil {
			t.Fatal(err)
		}
		out := tab.Outcome()
		for c := range tab.cells {
			for i, p := range tab.points {
				ord := c / tab.strides[i] % len(p.Values)
				if ord+1 < len(p.Values) && tab.cells[c+tab.strides[i]] < tab.cells[c] {
					t.Errorf("%s: raising %s from %q lowers the outcome %q → %q", pt.file, p.Name,
						p.Values[ord], out.Values[tab.cells[c]], out.Values[tab.cells[c+tab.strides[i]]])
				}
			}
		}
	}
}

func TestWriteCSVRoundTrip(t *testing.T) {
	for _, pt := range publishedTables {
		data := readTestdata(t, pt.file)
		tab, err := ParseSSVCCSV(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := tab.WriteCSV(&buf); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), data) {
			t.Errorf("%s: WriteCSV output differs from the published file", pt.file)
		}
	}
}

func TestRows(t *testing.T) {
	rows := CISATree().Rows()
	if len(rows) != 36 {
		t.Fatalf("%d rows", len(rows))
	}
	first, last := rows[0], rows[35]
	if first.Row != 0 || !slices.Equal(first.Values, []string{"none", "no", "partial", "low"}) || first.Outcome != "track" {
		t.Errorf("first row = %+v", first)
	}
	if last.Row != 35 || !slices.Equal(last.Values, []string{"active", "yes", "total", "high"}) || last.Outcome != "act" {
		t.Errorf("last row = %+v", last)
	}
	// No "row" column: rows are numbered by position.
	tab, err := ParseSSVCCSV(strings.NewReader("A,Out\nx,o1\ny,o2\n"))
	if err != nil {
		t.Fatal(err)
	}
	if r := tab.Rows(); r[1].Row != 1 || r[1].Values[0] != "y" || r[1].Outcome != "o2" {
		t.Errorf("rows = %+v", r)
	}
	var buf bytes.Buffer
	if err := tab.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "row,A,Out\n0,x,o1\n1,y,o2\n" {
		t.Errorf("WriteCSV = %q", buf.String())
	}
}

func TestSSVCHeader(t *testing.T) {
	for _, c := range []struct {
		h                 string
		name, version, ns string
	}{
		{"Exploitation v1.1.0", "Exploitation", "1.1.0", ""},
		{"CISA Levels v1.1.0 (cisa)", "CISA Levels", "1.1.0", "cisa"},
		{"Publish, Do Not Publish v1.0.0", "Publish, Do Not Publish", "1.0.0", ""},
		{"Modified Integrity Impact to the Subsequent System (without Not Defined) v1.0.1 (cvss)",
			"Modified Integrity Impact to the Subsequent System (without Not Defined)", "1.0.1", "cvss"},
		{"Plain", "Plain", "", ""},
		{"Plain (x)", "Plain (x)", "", ""},
		{"Odd v1.0", "Odd v1.0", "", ""},
		{"v1.0.0", "v1.0.0", "", ""},
	} {
		p, reason := parseSSVCHeader(c.h)
		if reason != "" || p.Name != c.name || p.Version != c.version || p.Namespace != c.ns {
			t.Errorf("%q → %+v %q", c.h, p, reason)
		}
		if p.String() != c.h {
			t.Errorf("%q → String %q", c.h, p.String())
		}
	}
}

func TestParseSSVCCSVErrors(t *testing.T) {
	const good = "row,A v1.0.0,B v1.0.0,Out v1.0.0\n0,a0,b0,x\n1,a1,b0,y\n2,a0,b1,y\n3,a1,b1,z\n"
	if _, err := ParseSSVCCSV(strings.NewReader(good)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		in     string
		opts   []SSVCOption
		line   int
		column int
		point  string
		value  string
		reason string // substring
		cause  error
	}{
		{name: "empty", in: "", reason: "no header"},
		{name: "header only", in: "row,A,Out\n", line: 1, reason: "no rows"},
		{name: "no decision point", in: "row,Out\n0,x\n", line: 1, reason: "at least one decision point"},
		{name: "duplicate column", in: "row,A v1.0.0,A v2.0.0,Out\n", line: 1, column: 3, point: "A", reason: "named twice"},
		{name: "empty column name", in: "row,,Out\n", line: 1, column: 2, reason: "empty column name"},
		{name: "spaced column name", in: "row, A,Out\n", line: 1, column: 2, value: " A", reason: "leading or trailing space"},
		{name: "row number leading zero", in: "row,A,Out\n00,a,x\n", line: 2, column: 1, point: "row", value: "00", reason: "row number"},
		{name: "row number sign", in: "row,A,Out\n+1,a,x\n", line: 2, column: 1, point: "row", value: "+1", reason: "row number"},
		{name: "row number reused", in: "row,A,Out\n0,a,x\n0,b,x\n", line: 3, column: 1, point: "row", value: "0", reason: "already used on line 2"},
		{name: "empty value", in: "row,A,B,Out\n0,a,,x\n", line: 2, column: 3, point: "B", reason: "empty value"},
		{name: "spaced value", in: "row,A,Out\n0,a ,x\n", line: 2, column: 2, point: "A", value: "a ", reason: "leading or trailing space"},
		{name: "empty outcome", in: "row,A,Out\n0,a,\n", line: 2, column: 3, point: "Out", reason: "empty value"},
		{name: "missing combination", in: "row,A v1.0.0,B v1.0.0,Out v1.0.0\n0,a0,b0,x\n1,a1,b0,y\n2,a0,b1,y\n",
			reason: "combination A=a1, B=b1 has no row"},
		{name: "duplicate combination", in: "row,A,B,Out\n0,a0,b0,x\n1,a0,b0,y\n", line: 3,
			reason: "combination A=a0, B=b0 appears twice (lines 2 and 3)"},
		{name: "field count", in: "row,A,Out\n0,a\n", line: 2, reason: "wrong number of fields", cause: csv.ErrFieldCount},
		{name: "bare quote", in: "row,A,Out\n0,a\"b,x\n", line: 2, reason: "bare", cause: csv.ErrBareQuote},
		{name: "undeclared value", in: good, opts: []SSVCOption{WithSSVCValues("B", "b0", "b2")},
			line: 4, column: 3, point: "B", value: "b1", reason: "not a declared value (want one of: b0, b2)"},
		{name: "declared value without row", in: good, opts: []SSVCOption{WithSSVCValues("A", "a0", "a1", "a2")},
			reason: "combination A=a2, B=b0 has no row"},
		{name: "undeclared outcome", in: good, opts: []SSVCOption{WithSSVCOutcomes("x", "y")},
			line: 5, column: 4, point: "Out", value: "z", reason: "not a declared value (want one of: x, y)"},
		{name: "declared point not in header", in: good, opts: []SSVCOption{WithSSVCValues("C", "c")},
			line: 1, point: "C", reason: "not in the header"},
		{name: "declared value twice", in: good, opts: []SSVCOption{WithSSVCValues("A", "a0", "a0")},
			line: 1, column: 2, point: "A", reason: "declared twice"},
		{name: "declared outcomes empty", in: good, opts: []SSVCOption{WithSSVCOutcomes()},
			line: 1, column: 4, point: "Out", reason: "no values"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tab, err := ParseSSVCCSV(strings.NewReader(c.in), c.opts...)
			if err == nil {
				t.Fatalf("accepted: %+v", tab)
			}
			if !errors.Is(err, ErrInvalidTable) {
				t.Errorf("%v does not wrap ErrInvalidTable", err)
			}
			var se *SSVCError
			if !errors.As(err, &se) {
				t.Fatalf("%T is not *SSVCError", err)
			}
			if se.Line != c.line || se.Column != c.column || se.DecisionPoint != c.point || se.Value != c.value {
				t.Errorf("got line %d column %d point %q value %q; want %d %d %q %q (%v)",
					se.Line, se.Column, se.DecisionPoint, se.Value, c.line, c.column, c.point, c.value, err)
			}
			if !strings.Contains(se.Reason, c.reason) {
				t.Errorf("reason %q lacks %q", se.Reason, c.reason)
			}
			if c.cause != nil && !errors.Is(err, c.cause) {
				t.Errorf("%v does not wrap %v", err, c.cause)
			}
			if !strings.HasPrefix(err.Error(), "triage: invalid SSVC decision table:") {
				t.Errorf("message %q", err.Error())
			}
		})
	}
}

func TestSSVCErrorMessage(t *testing.T) {
	_, err := ParseSSVCCSV(strings.NewReader("row,A v1.0.0,Out\n0,a,x\n1,b, y\n"))
	want := `triage: invalid SSVC decision table: line 3, column 3 (Out): value " y": value has leading or trailing space`
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

func TestDecideErrors(t *testing.T) {
	tab := CISATree()
	for _, c := range []struct {
		name   string
		decide func() (string, error)
		point  string
		value  string
		reason string
	}{
		{"unknown value", func() (string, error) {
			return tab.DecideValues("sometimes", "yes", "total", "high")
		}, CISAExploitation, "sometimes", "unknown value"},
		{"case matters", func() (string, error) {
			return tab.DecideValues("active", "yes", "total", "High")
		}, CISAMissionWellBeing, "High", "unknown value"},
		{"too few values", func() (string, error) {
			return tab.DecideValues("active", "yes", "total")
		}, "", "", "got 3 values, the table has 4 decision points"},
		{"missing point", func() (string, error) {
			return tab.Decide(map[string]string{CISAExploitation: "active", CISAAutomatable: "yes", CISATechnicalImpact: "total"})
		}, CISAMissionWellBeing, "", "decision point missing"},
		{"extra point", func() (string, error) {
			return tab.Decide(map[string]string{CISAExploitation: "active", CISAAutomatable: "yes", CISATechnicalImpact: "total",
				CISAMissionWellBeing: "high", "Safety Impact": "marginal"})
		}, "Safety Impact", "", "not a decision point of this table"},
		{"unknown value in map", func() (string, error) {
			return tab.Decide(map[string]string{CISAExploitation: "active", CISAAutomatable: "maybe", CISATechnicalImpact: "total",
				CISAMissionWellBeing: "high"})
		}, CISAAutomatable, "maybe", "unknown value"},
		{"ordinal out of range", func() (string, error) {
			return tab.DecideIndex([]int{2, 1, 2, 0})
		}, CISATechnicalImpact, "", "ordinal 2 out of range 0..1"},
		{"negative ordinal", func() (string, error) {
			return tab.DecideIndex([]int{-1, 1, 1, 0})
		}, CISAExploitation, "", "ordinal -1 out of range 0..2"},
		{"ordinal count", func() (string, error) {
			return tab.DecideIndex(nil)
		}, "", "", "got 0 ordinals"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.decide()
			if err == nil {
				t.Fatalf("decided %q", got)
			}
			if !errors.Is(err, ErrSSVCInput) || errors.Is(err, ErrInvalidTable) {
				t.Errorf("%v: wrong class", err)
			}
			var ie *SSVCInputError
			if !errors.As(err, &ie) {
				t.Fatalf("%T", err)
			}
			if ie.Table != "CISA Coordinator v2.0.3" || ie.DecisionPoint != c.point || ie.Value != c.value || !strings.Contains(ie.Reason, c.reason) {
				t.Errorf("got %+v", ie)
			}
		})
	}
	_, err := tab.DecideValues("sometimes", "yes", "total", "high")
	want := `triage: invalid SSVC decision input: table "CISA Coordinator v2.0.3": decision point "Exploitation": value "sometimes": unknown value (want one of: none, public poc, active)`
	if err.Error() != want {
		t.Errorf("got  %s\nwant %s", err, want)
	}
}

func TestDecideDoesNotAllocate(t *testing.T) {
	tab := CISATree()
	m := map[string]string{CISAExploitation: "public poc", CISAAutomatable: "yes", CISATechnicalImpact: "total", CISAMissionWellBeing: "medium"}
	ords := []int{1, 1, 1, 1}
	var out string
	for name, f := range map[string]func(){
		"Decide":       func() { out, _ = tab.Decide(m) },
		"DecideValues": func() { out, _ = tab.DecideValues("public poc", "yes", "total", "medium") },
		"DecideIndex":  func() { out, _ = tab.DecideIndex(ords) },
	} {
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s: %v allocations", name, n)
		}
		if out != CISATrackStar {
			t.Errorf("%s = %q", name, out)
		}
	}
}

func TestDecisionTableIsImmutable(t *testing.T) {
	tab := CISATree()
	p := tab.DecisionPoints()
	p[0].Values[0] = "changed"
	o := tab.Outcome()
	o.Values[0] = "changed"
	r := tab.Rows()
	r[0].Values[0] = "changed"
	if got, err := tab.DecideValues("none", "no", "partial", "low"); err != nil || got != CISATrack {
		t.Fatalf("after mutating copies: %q, %v", got, err)
	}
}

func TestByteOrderMark(t *testing.T) {
	tab, err := ParseSSVCCSV(strings.NewReader("\ufeffrow,A,Out\n0,a,x\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := tab.DecideValues("a"); got != "x" {
		t.Errorf("got %q", got)
	}
}

// TestDecisionTableZeroValue: a DecisionTable not built by ParseSSVCCSV
// (the zero value, or a nil pointer) has no cells; its Decide methods
// return an ErrSSVCInput error instead of panicking on an index.
func TestDecisionTableZeroValue(t *testing.T) {
	for name, tab := range map[string]*DecisionTable{"zero": {}, "nil": nil} {
		if _, err := tab.DecideValues(); !errors.Is(err, ErrSSVCInput) {
			t.Errorf("%s: DecideValues() = %v, want ErrSSVCInput", name, err)
		}
		if _, err := tab.Decide(map[string]string{}); !errors.Is(err, ErrSSVCInput) {
			t.Errorf("%s: Decide({}) = %v, want ErrSSVCInput", name, err)
		}
		if _, err := tab.DecideIndex(nil); !errors.Is(err, ErrSSVCInput) {
			t.Errorf("%s: DecideIndex(nil) = %v, want ErrSSVCInput", name, err)
		}
	}
}
