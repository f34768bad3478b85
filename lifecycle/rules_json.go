package lifecycle

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/internal/strictjson"
)

// MaxRulesBytes is the largest rules document ParseRules reads (1 MiB).
// Real rules are a few kilobytes; the limit keeps a hostile or mistaken
// input from costing memory and time.
const MaxRulesBytes = 1 << 20

// maxStatusNameBytes bounds a custom status name.
const maxStatusNameBytes = 200

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
func (p RulesProblem) String() string { return strictjson.Problem(p).String() }

// RulesError reports rules that cannot be used: every problem found, in a
// deterministic order (the order of the fields of Rules, map keys
// sorted). ParseRules also reports JSON it cannot read this way.
type RulesError struct {
	Problems []RulesProblem
}

// Error lists the first few problems and says how many there are.
func (e *RulesError) Error() string {
	return strictjson.Message("lifecycle: invalid rules", e.Problems)
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
	r := new(Rules)
	if problems := strictjson.Parse(data, r, rulesJSON); len(problems) > 0 {
		return nil, &RulesError{Problems: strictjson.Convert[RulesProblem](problems)}
	}
	r.normalize()
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return r, nil
}

// rulesJSON is how ParseRules reads a rules document.
var rulesJSON = strictjson.Options{
	Document:  "rules",
	NotObject: "rules must be a JSON object",
	Class:     ErrInvalidRules,
	Text:      func(t reflect.Type) bool { return t == reflect.TypeFor[Duration]() },
	CheckText: func(_ reflect.Type, str string) string {
		if _, err := time.ParseDuration(str); err != nil {
			return fmt.Sprintf("%q is not a duration: %s", str, durationAdvice)
		}
		return ""
	},
	NotText: func(_ reflect.Type, desc string) string { return durationAdvice + ", not " + desc },
}

// decodeProblem turns an encoding/json error into a problem, with the
// field path when the decoder gives one.
func decodeProblem(err error) RulesProblem {
	return RulesProblem(strictjson.DecodeProblem(err, ErrInvalidRules))
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
		field := strictjson.JoinKey("acknowledge_within", string(sev))
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
		field := strictjson.JoinKey("permissions", string(a))
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
