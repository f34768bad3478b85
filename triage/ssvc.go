package triage

// SSVC decision tables in CERT/CC's published CSV format.
//
// Source of the format: the CERT/CC SSVC repository (github.com/CERTCC/SSVC,
// read at commit e3b00a25), data/csv/**.csv, one file per decision table.
// Each file has a header row and one row per combination of decision-point
// values:
//
//	row,Exploitation v1.1.0,Automatable v2.0.0,…,CISA Levels v1.1.0 (cisa)
//	0,none,no,partial,low,track
//
// The first column numbers the rows, the last column is the outcome, the
// columns between are the decision points. A header names a decision point
// as "<name> v<semantic version>", followed by " (<namespace>)" unless the
// namespace is the core "ssvc" one. Values are the lower-cased value names of
// the decision point's JSON definition (data/json/decision_points/…).

import (
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ErrInvalidTable is the class of every error ParseSSVCCSV returns: the
// input is not a complete, unambiguous SSVC decision table in CERT/CC's CSV
// format (github.com/CERTCC/SSVC, data/csv/). The detail is an *SSVCError.
var ErrInvalidTable = errors.New("triage: invalid SSVC decision table")

// ErrSSVCInput is the class of every error the Decide methods of
// DecisionTable return: the decision-point values given are not a row of
// the table (an unknown or missing decision point, an unknown value; SSVC
// decision points and values as in github.com/CERTCC/SSVC
// data/json/decision_points/). The detail is an *SSVCInputError.
var ErrSSVCInput = errors.New("triage: invalid SSVC decision input")

// SSVCError is one problem found while reading an SSVC decision table in
// CERT/CC's CSV format (github.com/CERTCC/SSVC data/csv/): where (line and
// column of the CSV), which decision point and value, and why. It matches
// ErrInvalidTable with errors.Is, and also the encoding/csv error that
// caused it, if any (for example csv.ErrQuote).
type SSVCError struct {
	Line          int    // 1-based line of the CSV input; 0 when not tied to a line
	Column        int    // 1-based column (field number); 0 when not tied to a column
	DecisionPoint string // name of the column's decision point or outcome, if known
	Value         string // the offending cell, if any
	Reason        string // what is wrong
	Err           error  // underlying cause (an encoding/csv error), or nil
}

// Error describes the problem with its position, for example
//
//	triage: invalid SSVC decision table: line 5, column 2 (Exploitation): value "sometimes": not a declared value
func (e *SSVCError) Error() string {
	var b strings.Builder
	b.WriteString(ErrInvalidTable.Error())
	b.WriteString(":")
	if e.Line > 0 {
		fmt.Fprintf(&b, " line %d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ", column %d", e.Column)
		}
	} else if e.Column > 0 {
		fmt.Fprintf(&b, " column %d", e.Column)
	}
	if e.DecisionPoint != "" {
		fmt.Fprintf(&b, " (%s)", e.DecisionPoint)
	}
	if e.Line > 0 || e.Column > 0 || e.DecisionPoint != "" {
		b.WriteString(":")
	}
	if e.Value != "" {
		fmt.Fprintf(&b, " value %q:", e.Value)
	}
	b.WriteString(" ")
	b.WriteString(e.Reason)
	return b.String()
}

// Unwrap returns ErrInvalidTable and, when set, the underlying cause.
func (e *SSVCError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrInvalidTable, e.Err}
	}
	return []error{ErrInvalidTable}
}

// SSVCInputError reports decision-point values that a DecisionTable cannot
// decide on: a decision point missing from the input or not in the table,
// or a value the decision point does not have (SSVC decision points,
// github.com/CERTCC/SSVC data/json/decision_points/). It matches
// ErrSSVCInput. Allowed lists the decision point's values when the value
// is unknown.
type SSVCInputError struct {
	Table         string   // the table's name (DecisionTable.Name), may be empty
	DecisionPoint string   // the decision point concerned, when known
	Value         string   // the offending value, when there is one
	Reason        string   // what is wrong
	Allowed       []string // the decision point's values, for an unknown value
}

// Error describes the problem, for example
//
//	triage: invalid SSVC decision input: table "CISA Coordinator v2.0.3": decision point "Exploitation": value "sometimes": unknown value (want one of: none, public poc, active)
func (e *SSVCInputError) Error() string {
	var b strings.Builder
	b.WriteString(ErrSSVCInput.Error())
	b.WriteString(":")
	if e.Table != "" {
		fmt.Fprintf(&b, " table %q:", e.Table)
	}
	if e.DecisionPoint != "" {
		fmt.Fprintf(&b, " decision point %q:", e.DecisionPoint)
	}
	if e.Value != "" {
		fmt.Fprintf(&b, " value %q:", e.Value)
	}
	b.WriteString(" ")
	b.WriteString(e.Reason)
	if len(e.Allowed) > 0 {
		b.WriteString(" (want one of: ")
		b.WriteString(strings.Join(e.Allowed, ", "))
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns ErrSSVCInput.
func (e *SSVCInputError) Unwrap() error { return ErrSSVCInput }

// DecisionPoint is one column of an SSVC decision table: a decision point,
// or the table's outcome, with its ordered values (SSVC 2.x decision points,
// github.com/CERTCC/SSVC data/json/decision_points/; CSV headers as in
// data/csv/).
//
// Values run from the lowest to the highest: CERT/CC lists the rows of a
// table in an order that respects every decision point's value order (a
// linear extension of the product order), so the order in which values
// first appear in a column is the decision point's published order. The
// order of first appearance does not always give the published order of
// an outcome (human_impact_1_0_0.csv shows "very high" before "high"):
// declare outcome orders with WithSSVCOutcomes.
type DecisionPoint struct {
	// Name is the decision point's name, for example "Exploitation" or
	// "Mission and Well-Being Impact".
	Name string
	// Version is the decision point's semantic version from the header
	// ("1.1.0"), empty when the header has none.
	Version string
	// Namespace is the namespace in parentheses after the version ("cisa",
	// "cvss"); empty for the core "ssvc" namespace, which CERT/CC's CSV
	// headers leave out.
	Namespace string
	// Values are the value names as written in the CSV (lower case in
	// CERT/CC's files: "none", "public poc", "active"), lowest first.
	Values []string
}

// String returns the CSV header form: "Exploitation v1.1.0",
// "CISA Levels v1.1.0 (cisa)", or just the name when there is no version.
func (p DecisionPoint) String() string {
	s := p.Name
	if p.Version != "" {
		s += " v" + p.Version
		if p.Namespace != "" {
			s += " (" + p.Namespace + ")"
		}
	}
	return s
}

// Index returns the ordinal of value in p.Values (0 for the lowest), or -1
// when p has no such value. The comparison is exact (case-sensitive).
func (p DecisionPoint) Index(value string) int {
	for i, v := range p.Values {
		if v == value {
			return i
		}
	}
	return -1
}

func (p DecisionPoint) clone() DecisionPoint {
	p.Values = append([]string(nil), p.Values...)
	return p
}

// DecisionRow is one row of a decision table: the decision-point values in
// column order and the outcome, as in a CSV row of CERT/CC's
// data/csv/ files (github.com/CERTCC/SSVC).
type DecisionRow struct {
	// Row is the number in the CSV's "row" column (CERT/CC numbers rows from
	// 0), or the 0-based position of the row when the CSV has no such column.
	Row int
	// Values are the decision-point values, in the table's column order.
	Values []string
	// Outcome is the outcome value of the row.
	Outcome string
}

// DecisionTable is an SSVC decision table (Stakeholder-Specific
// Vulnerability Categorization, CERT/CC; SSVC 2.x decision tables,
// github.com/CERTCC/SSVC data/csv/): for every combination of its decision
// points' values, exactly one outcome.
//
// A table is built by ParseSSVCCSV (or CISATree) and cannot be changed
// afterwards; it is safe for concurrent use. Decisions are index arithmetic
// over the values' ordinals into a dense array of outcomes: Decide,
// DecideValues and DecideIndex do not allocate unless they return an error.
type DecisionTable struct {
	name    string
	points  []DecisionPoint
	outcome DecisionPoint
	hasRow  bool
	strides []int   // strides[i]: cells skipped by one step of points[i]
	cells   []int32 // outcome ordinal per combination, mixed radix, last point fastest
	rowNums []int   // the "row" number of each CSV row, in input order
	rowCell []int32 // the cell of each CSV row, in input order
}

// Name returns the table's name as given with WithSSVCName, or "" (CERT/CC's
// CSV files carry no table name; their file names do).
func (t *DecisionTable) Name() string { return t.name }

// Len returns the number of rows: the product of the numbers of values of
// the decision points, every combination being present exactly once.
func (t *DecisionTable) Len() int { return len(t.cells) }

// DecisionPoints returns a copy of the decision points, in column order.
func (t *DecisionTable) DecisionPoints() []DecisionPoint {
	out := make([]DecisionPoint, len(t.points))
	for i, p := range t.points {
		out[i] = p.clone()
	}
	return out
}

// Outcome returns a copy of the outcome column: its name, version,
// namespace and values (declared with WithSSVCOutcomes, else in order of
// first appearance).
func (t *DecisionTable) Outcome() DecisionPoint { return t.outcome.clone() }

// Rows returns the table's rows in the order of the CSV that defined it.
func (t *DecisionTable) Rows() []DecisionRow {
	out := make([]DecisionRow, len(t.rowCell))
	for i, c := range t.rowCell {
		vals := make([]string, len(t.points))
		rem := int(c)
		for j, p := range t.points {
			ord := rem / t.strides[j]
			rem %= t.strides[j]
			vals[j] = p.Values[ord]
		}
		out[i] = DecisionRow{Row: t.rowNums[i], Values: vals, Outcome: t.outcome.Values[t.cells[c]]}
	}
	return out
}

// Decide returns the outcome for the decision-point values in values, keyed
// by decision-point name (DecisionPoint.Name, for example "Exploitation").
// Every decision point of the table must be present, and no other key.
// Names and values are compared exactly. Errors are *SSVCInputError values
// wrapping ErrSSVCInput and name the decision point or value at fault.
//
// Decide does not allocate unless it returns an error.
func (t *DecisionTable) Decide(values map[string]string) (string, error) {
	if t.empty() {
		return "", errEmptyTable(t)
	}
	cell := 0
	for i := range t.points {
		p := &t.points[i]
		v, ok := values[p.Name]
		if !ok {
			return "", &SSVCInputError{Table: t.name, DecisionPoint: p.Name, Reason: "decision point missing"}
		}
		ord := p.Index(v)
		if ord < 0 {
			return "", t.unknownValue(p, v)
		}
		cell += ord * t.strides[i]
	}
	if len(values) != len(t.points) {
		for k := range values {
			if t.pointIndex(k) < 0 {
				return "", &SSVCInputError{Table: t.name, DecisionPoint: k, Reason: "not a decision point of this table"}
			}
		}
	}
	return t.outcome.Values[t.cells[cell]], nil
}

// DecideValues returns the outcome for the decision-point values given in
// the table's column order (the order of DecisionPoints), for example
// CISATree().DecideValues("active", "yes", "total", "high") is "act".
// Values are compared exactly. Errors are *SSVCInputError values wrapping
// ErrSSVCInput.
//
// DecideValues does not allocate unless it returns an error.
func (t *DecisionTable) DecideValues(values ...string) (string, error) {
	if t.empty() {
		return "", errEmptyTable(t)
	}
	if len(values) != len(t.points) {
		return "", &SSVCInputError{Table: t.name,
			Reason: fmt.Sprintf("got %d values, the table has %d decision points", len(values), len(t.points))}
	}
	cell := 0
	for i, v := range values {
		p := &t.points[i]
		ord := p.Index(v)
		if ord < 0 {
			return "", t.unknownValue(p, v)
		}
		cell += ord * t.strides[i]
	}
	return t.outcome.Values[t.cells[cell]], nil
}

// DecideIndex returns the outcome for the decision-point values given as
// ordinals (DecisionPoint.Index: 0 for a decision point's lowest value) in
// the table's column order. It is the fastest form: one multiply-add per
// decision point and one array read. Errors are *SSVCInputError values
// wrapping ErrSSVCInput.
//
// DecideIndex does not allocate unless it returns an error.
func (t *DecisionTable) DecideIndex(ordinals []int) (string, error) {
	if t.empty() {
		return "", errEmptyTable(t)
	}
	if len(ordinals) != len(t.points) {
		return "", &SSVCInputError{Table: t.name,
			Reason: fmt.Sprintf("got %d ordinals, the table has %d decision points", len(ordinals), len(t.points))}
	}
	cell := 0
	for i, ord := range ordinals {
		if ord < 0 || ord >= len(t.points[i].Values) {
			return "", &SSVCInputError{Table: t.name, DecisionPoint: t.points[i].Name,
				Reason: fmt.Sprintf("ordinal %d out of range 0..%d", ord, len(t.points[i].Values)-1)}
		}
		cell += ord * t.strides[i]
	}
	return t.outcome.Values[t.cells[cell]], nil
}

// empty reports whether t has no cells: a nil or zero DecisionTable, not
// built by ParseSSVCCSV or CISATree.
func (t *DecisionTable) empty() bool { return t == nil || len(t.cells) == 0 }

// errEmptyTable is the error of the Decide methods of an empty table.
func errEmptyTable(t *DecisionTable) error {
	e := &SSVCInputError{Reason: "the decision table is empty (build one with ParseSSVCCSV or CISATree)"}
	if t != nil {
		e.Table = t.name
	}
	return e
}

func (t *DecisionTable) unknownValue(p *DecisionPoint, v string) error {
	return &SSVCInputError{Table: t.name, DecisionPoint: p.Name, Value: v, Reason: "unknown value",
		Allowed: append([]string(nil), p.Values...)}
}

func (t *DecisionTable) pointIndex(name string) int {
	for i := range t.points {
		if t.points[i].Name == name {
			return i
		}
	}
	return -1
}

// WriteCSV writes the table in CERT/CC's CSV format (github.com/CERTCC/SSVC
// data/csv/): a header "row,<decision points…>,<outcome>" and the rows in
// the order they were read, numbered as they were. Parsing the output gives
// an equal table; for CERT/CC's own files the output is byte for byte the
// input.
func (t *DecisionTable) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	rec := make([]string, 0, len(t.points)+2)
	rec = append(rec, "row")
	for _, p := range t.points {
		rec = append(rec, p.String())
	}
	rec = append(rec, t.outcome.String())
	if err := cw.Write(rec); err != nil {
		return err
	}
	for _, r := range t.Rows() {
		rec = rec[:0]
		rec = append(rec, strconv.Itoa(r.Row))
		rec = append(rec, r.Values...)
		rec = append(rec, r.Outcome)
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// SSVCOption changes how ParseSSVCCSV reads a table in CERT/CC's CSV format
// (github.com/CERTCC/SSVC data/csv/): WithSSVCName, WithSSVCOutcomes,
// WithSSVCValues.
type SSVCOption func(*ssvcConfig)

type ssvcConfig struct {
	name     string
	outcomes []string
	declOut  bool // WithSSVCOutcomes given (possibly with no values, an error)
	values   map[string][]string
	order    []string // declared decision points, in the order given
}

// WithSSVCName names the table (DecisionTable.Name), for example "CISA
// Coordinator v2.0.3" after the JSON decision table's name and version
// (github.com/CERTCC/SSVC data/json/decision_tables/); the name appears in
// decision errors.
func WithSSVCName(name string) SSVCOption {
	return func(c *ssvcConfig) { c.name = name }
}

// WithSSVCOutcomes declares the outcome values, lowest first, for example
// "track", "track*", "attend", "act" for the CISA tree (decision point
// cisa:CISA:1.1.0, github.com/CERTCC/SSVC data/json/decision_points/cisa/
// cisa_levels_1_1_0.json). A row whose outcome is not declared is an error;
// declared values that no row uses are kept (Outcome lists them). Without
// this option the outcomes are those of the rows in order of first
// appearance, which is not always the published order.
func WithSSVCOutcomes(values ...string) SSVCOption {
	v := append([]string(nil), values...)
	return func(c *ssvcConfig) { c.outcomes, c.declOut = v, true }
}

// WithSSVCValues declares the values of the decision point (or outcome)
// named point, lowest first, as in its JSON definition under
// github.com/CERTCC/SSVC data/json/decision_points/. A cell with another
// value is an error, and every declared value of a decision point must
// occur (the table must be complete). Without this option the values are
// taken in order of first appearance.
func WithSSVCValues(point string, values ...string) SSVCOption {
	v := append([]string(nil), values...)
	return func(c *ssvcConfig) {
		if c.values == nil {
			c.values = make(map[string][]string)
		}
		if _, dup := c.values[point]; !dup {
			c.order = append(c.order, point)
		}
		c.values[point] = v
	}
}

// ParseSSVCCSV reads an SSVC decision table in CERT/CC's published CSV format
// (SSVC 2.x, github.com/CERTCC/SSVC data/csv/, for example
// data/csv/cisa/cisa_coordinator_2_0_3.csv).
//
// The header names the columns: an optional first column "row", then one
// column per decision point ("Exploitation v1.1.0"), then the outcome
// ("CISA Levels v1.1.0 (cisa)"). At least one decision point is required
// and names must be distinct. Every data row has the same number of
// fields; a "row" cell is a decimal number without sign or leading zeros,
// distinct from the others; value cells are non-empty and carry no leading
// or trailing space. The table must be complete and unambiguous: every
// combination of the decision points' values appears in exactly one row.
//
// Value order is taken from the order of first appearance unless declared
// with WithSSVCValues or WithSSVCOutcomes (see DecisionPoint).
//
// Every error is an *SSVCError wrapping ErrInvalidTable that names the line,
// the column, the decision point and the value at fault; a missing
// combination is reported with its values, a duplicate with both lines.
func ParseSSVCCSV(r io.Reader, opts ...SSVCOption) (*DecisionTable, error) {
	var cfg ssvcConfig
	for _, o := range opts {
		o(&cfg)
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 0 // the header fixes the number of fields
	cr.ReuseRecord = true

	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &SSVCError{Reason: "empty input: no header"}
		}
		return nil, ssvcCSVError(err)
	}
	header[0] = strings.TrimPrefix(header[0], "\ufeff") // a UTF-8 byte order mark
	t := &DecisionTable{name: cfg.name}
	first := 0
	if header[0] == "row" {
		t.hasRow = true
		first = 1
	}
	nPoints := len(header) - first - 1
	if nPoints < 1 {
		return nil, &SSVCError{Line: 1, Reason: fmt.Sprintf("header has %d columns: need at least one decision point and the outcome", len(header))}
	}
	cols := make([]DecisionPoint, len(header)-first)
	seen := make(map[string]int, len(cols))
	for i := range cols {
		h := header[first+i]
		line, _ := cr.FieldPos(first + i)
		p, reason := parseSSVCHeader(h)
		if reason != "" {
			return nil, &SSVCError{Line: line, Column: first + i + 1, Value: h, Reason: reason}
		}
		if j, dup := seen[p.Name]; dup {
			return nil, &SSVCError{Line: line, Column: first + i + 1, DecisionPoint: p.Name,
				Reason: fmt.Sprintf("decision point named twice (columns %d and %d)", first+j+1, first+i+1)}
		}
		seen[p.Name] = i
		cols[i] = p
	}
	// Declared value orders.
	declared := make([]bool, len(cols))
	for _, name := range cfg.order {
		i, ok := seen[name]
		if !ok {
			return nil, &SSVCError{Line: 1, DecisionPoint: name, Reason: "WithSSVCValues names a decision point that is not in the header"}
		}
		if reason := ssvcCheckDeclared(cfg.values[name]); reason != "" {
			return nil, &SSVCError{Line: 1, Column: first + i + 1, DecisionPoint: name, Reason: "WithSSVCValues: " + reason}
		}
		cols[i].Values = append([]string(nil), cfg.values[name]...)
		declared[i] = true
	}
	if cfg.declOut {
		if reason := ssvcCheckDeclared(cfg.outcomes); reason != "" {
			return nil, &SSVCError{Line: 1, Column: len(header), DecisionPoint: cols[nPoints].Name, Reason: "WithSSVCOutcomes: " + reason}
		}
		cols[nPoints].Values = append([]string(nil), cfg.outcomes...)
		declared[nPoints] = true
	}
	index := make([]map[string]int32, len(cols))
	for i := range cols {
		index[i] = make(map[string]int32, len(cols[i].Values))
		for j, v := range cols[i].Values {
			index[i][v] = int32(j) //nolint:gosec // bounded by the number of declared values
		}
	}

	// Rows: ordinals per column, the outcome last.
	type row struct {
		num  int
		line int
		ords []int32
	}
	var rows []row
	rowNums := make(map[int]int) // row number → line
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, ssvcCSVError(err)
		}
		line, _ := cr.FieldPos(0)
		num := len(rows)
		if t.hasRow {
			n, ok := ssvcRowNumber(rec[0])
			if !ok {
				return nil, &SSVCError{Line: line, Column: 1, DecisionPoint: "row", Value: rec[0],
					Reason: "row number must be a decimal number without sign or leading zeros"}
			}
			if prev, dup := rowNums[n]; dup {
				return nil, &SSVCError{Line: line, Column: 1, DecisionPoint: "row", Value: rec[0],
					Reason: fmt.Sprintf("row number already used on line %d", prev)}
			}
			rowNums[n] = line
			num = n
		}
		ords := make([]int32, len(cols))
		for i := range cols {
			v := rec[first+i]
			fl, _ := cr.FieldPos(first + i)
			if v == "" {
				return nil, &SSVCError{Line: fl, Column: first + i + 1, DecisionPoint: cols[i].Name, Reason: "empty value"}
			}
			if strings.TrimSpace(v) != v {
				return nil, &SSVCError{Line: fl, Column: first + i + 1, DecisionPoint: cols[i].Name, Value: v,
					Reason: "value has leading or trailing space"}
			}
			ord, ok := index[i][v]
			if !ok {
				if declared[i] {
					return nil, &SSVCError{Line: fl, Column: first + i + 1, DecisionPoint: cols[i].Name, Value: v,
						Reason: "not a declared value (want one of: " + strings.Join(cols[i].Values, ", ") + ")"}
				}
				if len(cols[i].Values) >= 1<<20 {
					return nil, &SSVCError{Line: fl, Column: first + i + 1, DecisionPoint: cols[i].Name, Value: v,
						Reason: "too many distinct values"}
				}
				ord = int32(len(cols[i].Values)) //nolint:gosec // bounded just above
				cols[i].Values = append(cols[i].Values, v)
				index[i][v] = ord
			}
			ords[i] = ord
		}
		rows = append(rows, row{num: num, line: line, ords: ords})
	}
	if len(rows) == 0 {
		return nil, &SSVCError{Line: 1, Reason: "no rows"}
	}
	t.points = cols[:nPoints:nPoints]
	t.outcome = cols[nPoints]

	// Duplicates: the same combination twice.
	key := make([]byte, 0, 4*nPoints)
	combos := make(map[string]int, len(rows))
	for _, r := range rows {
		key = ssvcKey(key[:0], r.ords[:nPoints])
		if prev, dup := combos[string(key)]; dup {
			return nil, &SSVCError{Line: r.line, Column: 0,
				Reason: fmt.Sprintf("combination %s appears twice (lines %d and %d): the table is ambiguous",
					t.describe(r.ords[:nPoints]), prev, r.line)}
		}
		combos[string(key)] = r.line
	}
	// Completeness: the product of the value counts must equal the number
	// of (distinct) rows. Computed with an overflow guard.
	product := 1
	for i := range t.points {
		n := len(t.points[i].Values)
		if product > len(rows)/n { // product*n > len(rows), without overflow
			product = len(rows) + 1 // more combinations than rows
			break
		}
		product *= n
	}
	if product != len(rows) {
		// Rows are distinct valid combinations, so product > len(rows):
		// find the first missing combination (at most len(rows)+1 steps).
		ords := make([]int32, nPoints)
		for {
			key = ssvcKey(key[:0], ords)
			if _, ok := combos[string(key)]; !ok {
				return nil, &SSVCError{Reason: fmt.Sprintf("combination %s has no row: the table is incomplete", t.describe(ords))}
			}
			// next combination, last point fastest
			for i := nPoints - 1; i >= 0; i-- {
				ords[i]++
				if int(ords[i]) < len(t.points[i].Values) {
					break
				}
				ords[i] = 0
			}
		}
	}
	t.strides = make([]int, nPoints)
	s := 1
	for i := nPoints - 1; i >= 0; i-- {
		t.strides[i] = s
		s *= len(t.points[i].Values)
	}
	t.cells = make([]int32, product)
	t.rowNums = make([]int, len(rows))
	t.rowCell = make([]int32, len(rows))
	for k, r := range rows {
		c := 0
		for i := range t.points {
			c += int(r.ords[i]) * t.strides[i]
		}
		t.cells[c] = r.ords[nPoints]
		t.rowNums[k] = r.num
		t.rowCell[k] = int32(c) //nolint:gosec // c < product == len(rows)
	}
	return t, nil
}

func ssvcCSVError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &SSVCError{Line: pe.Line, Reason: "CSV syntax: " + pe.Err.Error() + fmt.Sprintf(" (at byte %d of the line)", pe.Column), Err: pe.Err}
	}
	return &SSVCError{Reason: "reading CSV: " + err.Error(), Err: err}
}

// parseSSVCHeader splits "Name vX.Y.Z (ns)" into its parts; a header without
// a version is all name. The reason is empty when the header is usable.
func parseSSVCHeader(h string) (DecisionPoint, string) {
	if h == "" {
		return DecisionPoint{}, "empty column name"
	}
	if strings.TrimSpace(h) != h {
		return DecisionPoint{}, "column name has leading or trailing space"
	}
	p := DecisionPoint{Name: h}
	rest, ns := h, ""
	if strings.HasSuffix(h, ")") {
		if i := strings.LastIndex(h, " ("); i >= 0 && i+2 < len(h)-1 {
			rest, ns = h[:i], h[i+2:len(h)-1]
		}
	}
	if i := strings.LastIndex(rest, " v"); i > 0 && ssvcIsSemver(rest[i+2:]) {
		p.Name, p.Version, p.Namespace = rest[:i], rest[i+2:], ns
	}
	if strings.TrimSpace(p.Name) != p.Name || p.Name == "" {
		return DecisionPoint{}, "decision point name is empty or has leading or trailing space"
	}
	return p, ""
}

// ssvcIsSemver reports whether s is MAJOR.MINOR.PATCH with decimal digits.
func ssvcIsSemver(s string) bool {
	parts := 0
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && digits > 0:
			parts++
			digits = 0
		default:
			return false
		}
	}
	return parts == 2 && digits > 0
}

func ssvcRowNumber(s string) (int, bool) {
	if s == "" || len(s) > 9 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

func ssvcCheckDeclared(values []string) string {
	if len(values) == 0 {
		return "no values"
	}
	seen := make(map[string]bool, len(values))
	for _, v := range values {
		if v == "" || strings.TrimSpace(v) != v {
			return fmt.Sprintf("value %q is empty or has leading or trailing space", v)
		}
		if seen[v] {
			return fmt.Sprintf("value %q declared twice", v)
		}
		seen[v] = true
	}
	return ""
}

func ssvcKey(dst []byte, ords []int32) []byte {
	for _, o := range ords {
		dst = binary.LittleEndian.AppendUint32(dst, uint32(o)) //nolint:gosec // ordinals are non-negative
	}
	return dst
}

// describe renders a combination as "Exploitation=none, Automatable=no, …".
func (t *DecisionTable) describe(ords []int32) string {
	var b strings.Builder
	for i, o := range ords {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(t.points[i].Name)
		b.WriteString("=")
		b.WriteString(t.points[i].Values[o])
	}
	return b.String()
}
