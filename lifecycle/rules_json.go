package lifecycle

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/iso27035/iso27035/incident"
)

// MaxRulesBytes is the largest rules document ParseRules reads (1 MiB).
// Real rules are a few kilobytes; the limit keeps a hostile or mistaken
// input from costing memory and time.
const MaxRulesBytes = 1 << 20

// maxStatusNameBytes bounds a custom status name.
const maxStatusNameBytes = 200

// maxListedProblems is how many problems RulesError.Error spells out.
const maxListedProblems = 5

// MarshalJSON writes the duration as a Go duration string, as
// time.Duration.String does ("15m0s", "24h0m0s").
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads a Go duration string ("90m", "1h30m", "72h"), as
// time.ParseDuration accepts it. A JSON number is refused: it would not
// say its unit. JSON null leaves the duration unchanged. A negative
// duration is read; Validate refuses it where it matters.
func (d *Duration) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if string(data) == "null" {
		return nil
	}
	if len(data) == 0 || data[0] != '"' {
		return fmt.Errorf("%w: duration %s: %s", ErrInvalidRules, data, durationAdvice)
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("%w: duration %s: %w", ErrInvalidRules, data, err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("%w: duration %q: %s", ErrInvalidRules, s, durationAdvice)
	}
	*d = Duration(v)
	return nil
}

// durationAdvice says how to write a duration.
const durationAdvice = `a duration is a string with a unit, such as "90m", "4h" or "1h30m"`

// RulesProblem is one thing wrong with a set of rules.
type RulesProblem struct {
	// Field is the JSON path of the bad value ("permissions.close[1]",
	// "statuses[2].state", `acknowledge_within[""]`); empty for the
	// document as a whole.
	Field string
	// Value is the offending value, when there is one to show.
	Value any
	// Reason says what is wrong and, where it helps, what would be right.
	Reason string
}

// String is "field: reason".
func (p RulesProblem) String() string {
	if p.Field == "" {
		return p.Reason
	}
	return p.Field + ": " + p.Reason
}

// RulesError reports rules that cannot be used: every problem found, in a
// deterministic order (the order of the fields of Rules, map keys
// sorted). ParseRules also reports JSON it cannot read this way.
type RulesError struct {
	Problems []RulesProblem
}

// Error lists the first few problems and says how many there are.
func (e *RulesError) Error() string {
	var b strings.Builder
	b.WriteString("lifecycle: invalid rules")
	switch n := len(e.Problems); {
	case n == 0:
		return b.String()
	case n > 1:
		fmt.Fprintf(&b, " (%d problems)", n)
	}
	for i, p := range e.Problems {
		if i == maxListedProblems {
			fmt.Fprintf(&b, "; and %d more", len(e.Problems)-i)
			break
		}
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// Unwrap returns ErrInvalidRules.
func (e *RulesError) Unwrap() error { return ErrInvalidRules }

// ParseRules reads rules from JSON, strictly: exactly one JSON object,
// nothing after it, at most MaxRulesBytes, field names spelt exactly as
// Rules' JSON tags (unknown, misspelt and repeated fields are refused),
// durations written as strings ("90m", not 5400). It then validates the
// rules. Any failure is a *RulesError naming every field it can, wrapping
// ErrInvalidRules.
//
// Fields left out stay unset, and empty lists and objects read as left
// out: a missing severity_scale means incident.DefaultSeverityScale (as a
// nil Rules.Severity does), missing permissions leave every action open.
// To edit the usual grants, marshal DefaultRules and start from that.
func ParseRules(data []byte) (*Rules, error) {
	if len(data) > MaxRulesBytes {
		return nil, &RulesError{Problems: []RulesProblem{{
			Value:  len(data),
			Reason: fmt.Sprintf("rules are %d bytes, over the limit of %d (MaxRulesBytes)", len(data), MaxRulesBytes),
		}}}
	}
	// First pass: walk the tokens against the shape of Rules, to name
	// every unknown, repeated or mistyped field with its full path
	// (encoding/json stops at the first, and names no array index).
	if problems := scanRules(data); len(problems) > 0 {
		return nil, &RulesError{Problems: problems}
	}
	// Second pass: decode. The scan has checked what the decoder checks;
	// should they disagree, the decoder's word stands.
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	r := new(Rules)
	if err := dec.Decode(r); err != nil {
		return nil, &RulesError{Problems: []RulesProblem{decodeProblem(err)}}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &RulesError{Problems: []RulesProblem{{
			Value: dec.InputOffset(), Reason: "unexpected data after the rules object",
		}}}
	}
	r.normalize()
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return r, nil
}

// decodeProblem turns an encoding/json error into a problem, with the
// field path when the decoder gives one.
func decodeProblem(err error) RulesProblem {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		return RulesProblem{Field: typeErr.Field, Value: typeErr.Value,
			Reason: fmt.Sprintf("cannot read JSON %s as %s", typeErr.Value, typeErr.Type)}
	case errors.As(err, &syntaxErr):
		return RulesProblem{Value: syntaxErr.Offset,
			Reason: fmt.Sprintf("invalid JSON at byte %d: %v", syntaxErr.Offset, syntaxErr)}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return RulesProblem{Reason: "invalid JSON: unexpected end of input"}
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		if key, qerr := strconv.Unquote(name); qerr == nil {
			return RulesProblem{Field: key, Value: key, Reason: "unknown field"}
		}
	}
	return RulesProblem{Reason: strings.TrimPrefix(msg, "lifecycle: invalid rules: ")}
}

// normalize makes empty lists and maps nil, so that a document reads the
// same whether it writes "[]" or leaves the field out (and marshals back
// to the same value).
func (r *Rules) normalize() {
	if len(r.ApproverRoles) == 0 {
		r.ApproverRoles = nil
	}
	if len(r.AcknowledgeWithin) == 0 {
		r.AcknowledgeWithin = nil
	}
	if len(r.Permissions) == 0 {
		r.Permissions = nil
	}
	if len(r.RestrictedAccess) == 0 {
		r.RestrictedAccess = nil
	}
	if len(r.Statuses) == 0 {
		r.Statuses = nil
	}
	if r.Severity != nil && len(r.Severity.Levels) == 0 {
		r.Severity.Levels = nil
	}
}

// Clone returns a deep copy of the rules that shares no map, slice or
// scale with r. Clone of nil is nil.
func (r *Rules) Clone() *Rules {
	if r == nil {
		return nil
	}
	out := *r
	if r.Severity != nil {
		s := *r.Severity
		s.Levels = slices.Clone(r.Severity.Levels)
		out.Severity = &s
	}
	out.ApproverRoles = slices.Clone(r.ApproverRoles)
	out.AcknowledgeWithin = maps.Clone(r.AcknowledgeWithin)
	if r.Permissions != nil {
		out.Permissions = make(map[Action][]incident.Role, len(r.Permissions))
		for a, roles := range r.Permissions {
			out.Permissions[a] = slices.Clone(roles)
		}
	}
	out.RestrictedAccess = slices.Clone(r.RestrictedAccess)
	out.Statuses = slices.Clone(r.Statuses)
	return &out
}

// Validate reports whether the rules are usable. It checks everything and
// reports every problem as a *RulesError (wrapping ErrInvalidRules), each
// naming its field by JSON path:
//
//   - severity_scale, when set, passes incident.SeverityScale.Validate;
//   - review_required_at and second_approver_at, when set, are levels of
//     the scale in force (severity_scale, else the default scale);
//   - approver_roles are defined roles, and there is at least one when
//     second_approver_at is set;
//   - acknowledge_within keys are "" or levels of the scale, its periods
//     positive;
//   - report_due_soon is not negative;
//   - permissions name defined actions and roles, and no action has an
//     empty role list (that would let nobody act; leave the action out to
//     open it to every actor);
//   - restricted_access names defined roles;
//   - statuses have unique, non-empty names of at most 200 bytes without
//     control characters, and each phase/state pair is a stage of the
//     process (Stages).
func (r *Rules) Validate() error {
	if r == nil {
		return &RulesError{Problems: []RulesProblem{{Reason: "rules are nil"}}}
	}
	var v rulesValidator
	scale := r.scale()
	if r.Severity != nil {
		if err := r.Severity.Validate(); err != nil {
			v.add("severity_scale", r.Severity.Name, err.Error())
		}
	}
	v.severity("review_required_at", scale, r.ReviewRequiredAt)
	v.severity("second_approver_at", scale, r.SecondApproverAt)
	v.roles("approver_roles", r.ApproverRoles)
	if r.SecondApproverAt != "" && len(r.ApproverRoles) == 0 {
		v.add("approver_roles", nil, "second_approver_at is set but no role may approve: list at least one role")
	}
	for _, sev := range slices.Sorted(maps.Keys(r.AcknowledgeWithin)) {
		field := joinKey("acknowledge_within", string(sev))
		if sev != "" && !scale.Contains(sev) {
			v.add(field, sev, notOnScale(scale, sev))
		}
		if d := r.AcknowledgeWithin[sev]; d <= 0 {
			v.add(field, time.Duration(d).String(), "the period must be positive (leave the key out for no acknowledge clock)")
		}
	}
	if r.ReportDueSoon < 0 {
		v.add("report_due_soon", time.Duration(r.ReportDueSoon).String(), "must not be negative (0 disables the warning)")
	}
	for _, a := range slices.Sorted(maps.Keys(r.Permissions)) {
		field := joinKey("permissions", string(a))
		if !a.Valid() {
			v.add(field, a, fmt.Sprintf("unknown action %q", a))
		}
		roles := r.Permissions[a]
		if len(roles) == 0 {
			v.add(field, nil, "an empty role list would let nobody act: list the roles, or leave the action out to open it to every actor")
		}
		v.roles(field, roles)
	}
	v.roles("restricted_access", r.RestrictedAccess)
	v.statuses(r.Statuses)
	return v.err()
}

// rulesValidator collects problems.
type rulesValidator struct {
	problems []RulesProblem
}

func (v *rulesValidator) add(field string, value any, reason string) {
	v.problems = append(v.problems, RulesProblem{Field: field, Value: value, Reason: reason})
}

func (v *rulesValidator) err() error {
	if len(v.problems) == 0 {
		return nil
	}
	return &RulesError{Problems: v.problems}
}

// severity checks an optional threshold against the scale in force.
func (v *rulesValidator) severity(field string, scale *incident.SeverityScale, s incident.Severity) {
	if s != "" && !scale.Contains(s) {
		v.add(field, s, notOnScale(scale, s))
	}
}

// roles checks that every role of a list is defined.
func (v *rulesValidator) roles(field string, roles []incident.Role) {
	for i, role := range roles {
		if !role.Valid() {
			v.add(field+"["+strconv.Itoa(i)+"]", role, fmt.Sprintf("unknown role %q", role))
		}
	}
}

// statuses checks the custom statuses.
func (v *rulesValidator) statuses(statuses []Status) {
	seen := make(map[string]int, len(statuses))
	for i, s := range statuses {
		field := "statuses[" + strconv.Itoa(i) + "]"
		switch {
		case strings.TrimSpace(s.Name) == "":
			v.add(field+".name", s.Name, "a status needs a name")
		case len(s.Name) > maxStatusNameBytes:
			v.add(field+".name", s.Name, fmt.Sprintf("name is %d bytes, over the limit of %d", len(s.Name), maxStatusNameBytes))
		case !utf8.ValidString(s.Name):
			v.add(field+".name", s.Name, "name is not valid UTF-8")
		case strings.ContainsFunc(s.Name, unicode.IsControl):
			v.add(field+".name", s.Name, "name contains a control character")
		}
		if s.Name != "" {
			if j, dup := seen[s.Name]; dup {
				v.add(field+".name", s.Name, fmt.Sprintf("duplicate status name, first used by statuses[%d]", j))
			} else {
				seen[s.Name] = i
			}
		}
		v.stage(field, s)
	}
}

// stage checks that a status maps onto a stage of the process.
func (v *rulesValidator) stage(field string, s Status) {
	phaseOK, stateOK := s.Phase.Valid(), s.State.Valid()
	if !phaseOK {
		v.add(field+".phase", s.Phase, fmt.Sprintf("unknown phase %q; phases with stages: %s", s.Phase, phasesWithStages()))
	}
	if !stateOK {
		v.add(field+".state", s.State, fmt.Sprintf("unknown state %q", s.State))
	}
	if !phaseOK || !stateOK || slices.Contains(Stages(), s.Stage()) {
		return
	}
	var in []string
	for _, st := range Stages() {
		if st.Phase == s.Phase {
			in = append(in, string(st.State))
		}
	}
	if len(in) == 0 {
		v.add(field+".phase", s.Phase, fmt.Sprintf("no record is ever in phase %q; phases with stages: %s", s.Phase, phasesWithStages()))
		return
	}
	v.add(field+".state", s.State, fmt.Sprintf("%s is not a stage of the process; states of phase %s: %s",
		s.Stage(), s.Phase, strings.Join(in, ", ")))
}

// phasesWithStages lists, in process order, the phases records can be in.
func phasesWithStages() string {
	var out []string
	for _, st := range Stages() {
		if !slices.Contains(out, string(st.Phase)) {
			out = append(out, string(st.Phase))
		}
	}
	return strings.Join(out, ", ")
}

// notOnScale says that s is not a level of scale, and lists the levels.
func notOnScale(scale *incident.SeverityScale, s incident.Severity) string {
	if len(scale.Levels) == 0 {
		return fmt.Sprintf("%q is not a level of severity scale %q, which has no levels", s, scale.Name)
	}
	levels := make([]string, len(scale.Levels))
	for i, l := range scale.Levels {
		levels[i] = string(l.Name)
	}
	return fmt.Sprintf("%q is not a level of severity scale %q (levels: %s)", s, scale.Name, strings.Join(levels, ", "))
}

// joinKey appends an object key to a JSON path: path.key for plain keys,
// path["key"] for any other (the empty key, spaces, dots).
func joinKey(path, key string) string {
	plain := key != ""
	for i, c := range key {
		letter := c == '_' || c == '-' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		digit := '0' <= c && c <= '9'
		if !letter && (i == 0 || !digit) {
			plain = false
			break
		}
	}
	switch {
	case !plain:
		return path + "[" + strconv.Quote(key) + "]"
	case path == "":
		return key
	}
	return path + "." + key
}

// A rulesScanner walks the JSON tokens of a rules document alongside the
// Go type it will be decoded into, and notes every unknown, repeated or
// mistyped field with its path. Its recursion follows the Go type, whose
// depth is fixed; values it skips are skipped iteratively, so deeply
// nested input cannot exhaust the stack.
type rulesScanner struct {
	dec      *json.Decoder
	problems []RulesProblem
}

var (
	durationType = reflect.TypeFor[Duration]()
	rulesType    = reflect.TypeFor[Rules]()
)

// scanRules checks the shape of a rules document; it returns the problems
// found, or one problem for input that is not JSON.
func scanRules(data []byte) []RulesProblem {
	s := &rulesScanner{dec: json.NewDecoder(bytes.NewReader(data))}
	s.dec.UseNumber()
	tok, err := s.dec.Token()
	if err != nil {
		return []RulesProblem{s.syntax(err)}
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return []RulesProblem{{Value: describe(tok), Reason: "rules must be a JSON object, not " + describe(tok)}}
	}
	if err := s.value(tok, rulesType, ""); err != nil {
		return append(s.problems, s.syntax(err))
	}
	if _, err := s.dec.Token(); !errors.Is(err, io.EOF) {
		s.problems = append(s.problems, RulesProblem{
			Value: s.dec.InputOffset(), Reason: "unexpected data after the rules object",
		})
	}
	return s.problems
}

// scanError is a tokenizer error inside the value at path.
type scanError struct {
	path string
	err  error
}

func (e *scanError) Error() string { return e.err.Error() }
func (e *scanError) Unwrap() error { return e.err }

// token reads the next token of the value at path.
func (s *rulesScanner) token(path string) (json.Token, error) {
	tok, err := s.dec.Token()
	if err != nil {
		return nil, &scanError{path: path, err: err}
	}
	return tok, nil
}

// syntax turns a tokenizer error into a problem, naming the value it
// broke off in.
func (s *rulesScanner) syntax(err error) RulesProblem {
	var path string
	if pe, ok := errors.AsType[*scanError](err); ok {
		path = pe.path
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return RulesProblem{Field: path, Value: se.Offset, Reason: fmt.Sprintf("invalid JSON at byte %d: %v", se.Offset, se)}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return RulesProblem{Field: path, Reason: "invalid JSON: unexpected end of input"}
	}
	return RulesProblem{Field: path, Reason: "invalid JSON: " + err.Error()}
}

func (s *rulesScanner) add(path string, value any, reason string) {
	s.problems = append(s.problems, RulesProblem{Field: path, Value: value, Reason: reason})
}

// value checks the JSON value starting with tok against Go type t. The
// error is a syntax error, after which scanning stops.
func (s *rulesScanner) value(tok json.Token, t reflect.Type, path string) error {
	if tok == nil { // null: the decoder leaves the value unset
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == durationType {
		str, ok := tok.(string)
		if !ok {
			s.add(path, describe(tok), durationAdvice+", not "+describe(tok))
			return s.skip(tok, path)
		}
		if _, err := time.ParseDuration(str); err != nil {
			s.add(path, str, fmt.Sprintf("%q is not a duration: %s", str, durationAdvice))
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		return s.object(tok, path, func(key string) (reflect.Type, string, bool) {
			f, ok := jsonField(t, key)
			if !ok {
				hint := ""
				if alt, found := foldField(t, key); found {
					hint = fmt.Sprintf(" (did you mean %q?)", alt)
				}
				return nil, "unknown field" + hint, false
			}
			return f, "", true
		})
	case reflect.Map:
		elem := t.Elem()
		return s.object(tok, path, func(string) (reflect.Type, string, bool) { return elem, "", true })
	case reflect.Slice:
		if d, ok := tok.(json.Delim); !ok || d != '[' {
			s.add(path, describe(tok), "want a list, not "+describe(tok))
			return s.skip(tok, path)
		}
		for i := 0; s.dec.More(); i++ {
			ipath := path + "[" + strconv.Itoa(i) + "]"
			next, err := s.token(ipath)
			if err != nil {
				return err
			}
			if err := s.value(next, t.Elem(), ipath); err != nil {
				return err
			}
		}
		_, err := s.token(path) // ]
		return err
	case reflect.String:
		if _, ok := tok.(string); !ok {
			s.add(path, describe(tok), "want a string, not "+describe(tok))
			return s.skip(tok, path)
		}
	case reflect.Bool:
		if _, ok := tok.(bool); !ok {
			s.add(path, describe(tok), "want true or false, not "+describe(tok))
			return s.skip(tok, path)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := tok.(json.Number)
		if !ok {
			s.add(path, describe(tok), "want an integer, not "+describe(tok))
			return s.skip(tok, path)
		}
		if _, err := strconv.ParseInt(string(n), 10, t.Bits()); err != nil {
			s.add(path, string(n), fmt.Sprintf("want an integer that fits %d bits, not %s", t.Bits(), n))
		}
	default:
		return s.skip(tok, path)
	}
	return nil
}

// object checks a JSON object; field resolves a key to the type of its
// value, or says why the key is not allowed.
func (s *rulesScanner) object(tok json.Token, path string, field func(key string) (reflect.Type, string, bool)) error {
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		s.add(path, describe(tok), "want an object, not "+describe(tok))
		return s.skip(tok, path)
	}
	seen := map[string]bool{}
	for s.dec.More() {
		kt, err := s.token(path)
		if err != nil {
			return err
		}
		key, ok := kt.(string)
		if !ok { // the tokenizer only returns strings as keys
			return fmt.Errorf("object key %v is not a string", kt)
		}
		kpath := joinKey(path, key)
		next, err := s.token(kpath)
		if err != nil {
			return err
		}
		if seen[key] {
			s.add(kpath, key, "repeated key: each key may appear once")
		}
		seen[key] = true
		t, reason, ok := field(key)
		if !ok {
			s.add(kpath, key, reason)
			if err := s.skip(next, kpath); err != nil {
				return err
			}
			continue
		}
		if err := s.value(next, t, kpath); err != nil {
			return err
		}
	}
	_, err := s.token(path) // }
	return err
}

// skip consumes the rest of the value at path that started with tok.
func (s *rulesScanner) skip(tok json.Token, path string) error {
	if d, ok := tok.(json.Delim); !ok || (d != '{' && d != '[') {
		return nil
	}
	for depth := 1; depth > 0; {
		next, err := s.token(path)
		if err != nil {
			return err
		}
		if d, ok := next.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
}

// describe names a JSON token for a message.
func describe(tok json.Token) string {
	switch v := tok.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(v)
	case json.Number:
		return "the number " + string(v)
	case string:
		return "the string " + strconv.Quote(v)
	case json.Delim:
		if v == '[' {
			return "a list"
		}
		return "an object"
	}
	return fmt.Sprint(tok)
}

// jsonField returns the type of the field of struct t whose JSON name is
// exactly name.
func jsonField(t reflect.Type, name string) (reflect.Type, bool) {
	for f := range t.Fields() {
		if n, ok := jsonName(f); ok && n == name {
			return f.Type, true
		}
	}
	return nil, false
}

// foldField returns the JSON name of the field of t that matches name
// but for case, which encoding/json would accept and ParseRules does not.
func foldField(t reflect.Type, name string) (string, bool) {
	for f := range t.Fields() {
		if n, ok := jsonName(f); ok && strings.EqualFold(n, name) {
			return n, true
		}
	}
	return "", false
}

// jsonName is the name encoding/json gives a field, and false for fields
// it ignores.
func jsonName(f reflect.StructField) (string, bool) {
	if !f.IsExported() {
		return "", false
	}
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "", false
	}
	if name, _, _ := strings.Cut(tag, ","); name != "" {
		return name, true
	}
	return f.Name, true
}
