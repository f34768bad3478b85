package triage

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/internal/strictjson"
)

// ErrInvalidProfile is the class of every problem with a triage profile:
// *ProfileError wraps it, and so do the errors of Level and Duration
// parsing.
var ErrInvalidProfile = errors.New("triage: invalid profile")

// maxProfileNameBytes bounds a profile or tier name.
const maxProfileNameBytes = 200

// ProfileProblem is one thing wrong with a profile.
type ProfileProblem struct {
	// Field is the JSON path of the bad value ("impact.users[1].at_least",
	// "matrix.cells.low.high", "tiers[2].page[0]"); empty for the document
	// as a whole.
	Field string
	// Value is the offending value, when there is one to show.
	Value any
	// Reason says what is wrong and, where it helps, what would be right.
	Reason string
}

// String is "field: reason".
func (p ProfileProblem) String() string { return strictjson.Problem(p).String() }

// ProfileError reports a profile that cannot be used: every problem found,
// in a deterministic order (the order of the fields of Profile, map keys
// sorted). ParseProfile also reports JSON it cannot read this way.
type ProfileError struct {
	Problems []ProfileProblem
}

// Error lists the first few problems and says how many there are.
func (e *ProfileError) Error() string {
	return strictjson.Message("triage: invalid profile", e.Problems)
}

// Unwrap returns ErrInvalidProfile.
func (e *ProfileError) Unwrap() error { return ErrInvalidProfile }

// Has reports whether a problem names field.
func (e *ProfileError) Has(field string) bool {
	return slices.ContainsFunc(e.Problems, func(p ProfileProblem) bool { return p.Field == field })
}

// Validate reports whether the profile is usable. It checks everything and
// reports every problem as a *ProfileError (wrapping ErrInvalidProfile),
// each naming its field by JSON path:
//
//   - name is set, at most 200 bytes of UTF-8 without control characters;
//   - every map key of a criterion is a defined value of its type (the
//     unknown "" value is never graded), every level a defined level;
//   - count thresholds are at least 1 and strictly increasing, deadline
//     thresholds positive and strictly increasing; neither may grade a
//     larger count, or a farther deadline, lower than a smaller, nearer
//     one;
//   - urgency.ongoing_within is not negative;
//   - outcome.incident_at and outcome.watch_at are at least low;
//   - the matrix has at least one row, rows and columns are low to
//     critical, every row has the same columns, every cell is P1–P5, and
//     priority never falls as impact or urgency rises;
//   - severity_scale, when set, passes incident.SeverityScale.Validate;
//   - severity maps each of low, medium, high and critical to a level of
//     the scale in force, never lower for a higher impact;
//   - tiers have unique names, list defined priorities that no other tier
//     lists, page defined roles and have no negative target; every
//     priority of the matrix has a tier.
func (p *Profile) Validate() error {
	if p == nil {
		return &ProfileError{Problems: []ProfileProblem{{Reason: "profile is nil"}}}
	}
	var v profileValidator
	v.name("name", p.Name)
	v.impact(&p.Impact)
	v.urgency(&p.Urgency)
	v.atLeastLow("outcome.incident_at", p.Outcome.IncidentAt)
	v.atLeastLow("outcome.watch_at", p.Outcome.WatchAt)
	v.matrix(p.Matrix)
	scale := p.scale()
	scaleOK := true
	if p.SeverityScale != nil {
		if err := p.SeverityScale.Validate(); err != nil {
			v.add("severity_scale", p.SeverityScale.Name, err.Error())
			scaleOK = false
		}
	}
	v.severity(p.Severity, scale, scaleOK)
	v.tiers(p.Tiers, p.Matrix)
	return v.err()
}

// profileValidator collects problems.
type profileValidator struct {
	problems []ProfileProblem
}

func (v *profileValidator) add(field string, value any, reason string) {
	v.problems = append(v.problems, ProfileProblem{Field: field, Value: value, Reason: reason})
}

func (v *profileValidator) err() error {
	if len(v.problems) == 0 {
		return nil
	}
	return &ProfileError{Problems: v.problems}
}

// name checks a required name.
func (v *profileValidator) name(field, s string) {
	switch {
	case strings.TrimSpace(s) == "":
		v.add(field, s, "a name is required")
	case len(s) > maxProfileNameBytes:
		v.add(field, s, fmt.Sprintf("name is %d bytes, over the limit of %d", len(s), maxProfileNameBytes))
	case !utf8.ValidString(s):
		v.add(field, s, "name is not valid UTF-8")
	case strings.ContainsFunc(s, unicode.IsControl):
		v.add(field, s, "name contains a control character")
	}
}

// level checks that l is a defined level.
func (v *profileValidator) level(field string, l Level) bool {
	if !l.Valid() {
		v.add(field, uint8(l), fmt.Sprintf("undefined level %d (levels: none, low, medium, high, critical)", uint8(l)))
		return false
	}
	return true
}

// atLeastLow checks a level that must be low or above.
func (v *profileValidator) atLeastLow(field string, l Level) {
	if v.level(field, l) && l == LevelNone {
		v.add(field, l.String(), "must be at least low")
	}
}

// gradeMap checks a criterion that grades the values of an enumeration.
func gradeMap[K ~string](v *profileValidator, field string, m map[K]Level, valid func(K) bool, values []K) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		kfield := strictjson.JoinKey(field, string(k))
		if k == "" || !valid(k) {
			names := make([]string, len(values))
			for i, x := range values {
				names[i] = string(x)
			}
			v.add(kfield, string(k), fmt.Sprintf("unknown value %q (values: %s)", k, strings.Join(names, ", ")))
		}
		v.level(kfield, m[k])
	}
}

// counts checks a list of count thresholds.
func (v *profileValidator) counts(field string, ts []CountLevel) {
	for i, t := range ts {
		f := field + "[" + strconv.Itoa(i) + "]"
		if t.AtLeast < 1 {
			v.add(f+".at_least", t.AtLeast, "must be at least 1 (a count of 0 grades nothing)")
		}
		okLevel := v.level(f+".level", t.Level)
		if i == 0 {
			continue
		}
		prev := ts[i-1]
		if t.AtLeast <= prev.AtLeast {
			v.add(f+".at_least", t.AtLeast, fmt.Sprintf("thresholds must increase: %d is not above %d (%s[%d])", t.AtLeast, prev.AtLeast, field, i-1))
		}
		if okLevel && prev.Level.Valid() && t.Level < prev.Level {
			v.add(f+".level", t.Level.String(), fmt.Sprintf("a larger count must not grade lower: %s is below %s (%s[%d])", t.Level, prev.Level, field, i-1))
		}
	}
}

// impact checks the impact criteria.
func (v *profileValidator) impact(im *ImpactCriteria) {
	nist := []incident.ImpactLevel{incident.ImpactNone, incident.ImpactLow, incident.ImpactMedium, incident.ImpactHigh}
	gradeMap(v, "impact.confidentiality", im.Confidentiality, incident.ImpactLevel.Valid, nist)
	gradeMap(v, "impact.integrity", im.Integrity, incident.ImpactLevel.Valid, nist)
	gradeMap(v, "impact.availability", im.Availability, incident.ImpactLevel.Valid, nist)
	gradeMap(v, "impact.functional", im.Functional, incident.ImpactLevel.Valid, nist)
	gradeMap(v, "impact.information", im.Information, incident.InformationImpact.Valid, incident.InformationImpacts())
	gradeMap(v, "impact.recoverability", im.Recoverability, incident.Recoverability.Valid, incident.Recoverabilities())
	v.counts("impact.users", im.Users)
	v.counts("impact.organisations", im.Organisations)
	gradeMap(v, "impact.criticality", im.Criticality, incident.Criticality.Valid, incident.Criticalities())
	v.level("impact.personal_data.protected", im.PersonalData.Protected)
	v.level("impact.personal_data.unprotected", im.PersonalData.Unprotected)
	v.level("impact.personal_data.special_categories", im.PersonalData.SpecialCategories)
	v.counts("impact.personal_data.data_subjects", im.PersonalData.DataSubjects)
	gradeMap(v, "impact.safety", im.Safety, Safety.Valid, Safeties())
}

// urgency checks the urgency criteria.
func (v *profileValidator) urgency(u *UrgencyCriteria) {
	v.level("urgency.ongoing", u.Ongoing)
	if u.OngoingWithin < 0 {
		v.add("urgency.ongoing_within", time.Duration(u.OngoingWithin).String(), "must not be negative (0 leaves observation.last_activity unread)")
	}
	v.counts("urgency.spread", u.Spread)
	v.level("urgency.lateral_movement", u.LateralMovement)
	gradeMap(v, "urgency.exposure", u.Exposure, Exposure.Valid, Exposures())
	for i, d := range u.Deadline {
		f := "urgency.deadline[" + strconv.Itoa(i) + "]"
		if d.Within <= 0 {
			v.add(f+".within", time.Duration(d.Within).String(), "must be positive")
		}
		okLevel := v.level(f+".level", d.Level)
		if i == 0 {
			continue
		}
		prev := u.Deadline[i-1]
		if d.Within <= prev.Within {
			v.add(f+".within", time.Duration(d.Within).String(), fmt.Sprintf("thresholds must increase: %s is not above %s (urgency.deadline[%d])",
				time.Duration(d.Within), time.Duration(prev.Within), i-1))
		}
		if okLevel && prev.Level.Valid() && d.Level > prev.Level {
			v.add(f+".level", d.Level.String(), fmt.Sprintf("a farther deadline must not grade higher: %s is above %s (urgency.deadline[%d])", d.Level, prev.Level, i-1))
		}
	}
}

// matrix checks the priority matrix.
func (v *profileValidator) matrix(m Matrix) {
	if len(m.Cells) == 0 {
		v.add("matrix.cells", nil, "the matrix needs at least one row")
		return
	}
	rows := slices.Sorted(maps.Keys(m.Cells))
	// The columns every row must have: those of the first well-formed row.
	var cols []Level
	colsFrom := LevelNone
	for _, r := range rows {
		if r.Valid() && r != LevelNone {
			cols = slices.DeleteFunc(slices.Sorted(maps.Keys(m.Cells[r])), func(c Level) bool { return !c.Valid() || c == LevelNone })
			colsFrom = r
			break
		}
	}
	good := true
	for _, r := range rows {
		rfield := strictjson.JoinKey("matrix.cells", levelKey(r))
		if !r.Valid() || r == LevelNone {
			v.add(rfield, levelKey(r), "rows are impact levels low to critical")
			good = false
			continue
		}
		row := m.Cells[r]
		if len(row) == 0 {
			v.add(rfield, nil, "the row has no cells")
			good = false
			continue
		}
		for _, c := range slices.Sorted(maps.Keys(row)) {
			cfield := strictjson.JoinKey(rfield, levelKey(c))
			if !c.Valid() || c == LevelNone {
				v.add(cfield, levelKey(c), "columns are urgency levels low to critical")
				good = false
				continue
			}
			if !slices.Contains(cols, c) {
				v.add(cfield, levelKey(c), fmt.Sprintf("every row needs the same columns; row %s has none for urgency %s", colsFrom, levelKey(c)))
				good = false
			}
			if pr := row[c]; pr == incident.PriorityNone || !pr.Valid() {
				v.add(cfield, string(pr), "a cell's priority is one of P1, P2, P3, P4, P5")
				good = false
			}
		}
		for _, c := range cols {
			if _, ok := row[c]; !ok {
				v.add(strictjson.JoinKey(rfield, levelKey(c)), nil, fmt.Sprintf("missing cell: every row needs the same columns as row %s", colsFrom))
				good = false
			}
		}
	}
	if !good {
		return
	}
	// Priority never falls (its rank never grows) as impact or urgency
	// rises: a higher row or column is at least as urgent.
	for i, r := range rows {
		for j, c := range cols {
			rank := priorityRank(m.Cells[r][c])
			if i > 0 {
				below := m.Cells[rows[i-1]][c]
				if rank > priorityRank(below) {
					v.add(strictjson.JoinKey(strictjson.JoinKey("matrix.cells", r.String()), c.String()), string(m.Cells[r][c]),
						fmt.Sprintf("higher impact must not lower priority: impact %s gives %s, impact %s gives %s", rows[i-1], below, r, m.Cells[r][c]))
				}
			}
			if j > 0 {
				left := m.Cells[r][cols[j-1]]
				if rank > priorityRank(left) {
					v.add(strictjson.JoinKey(strictjson.JoinKey("matrix.cells", r.String()), c.String()), string(m.Cells[r][c]),
						fmt.Sprintf("higher urgency must not lower priority: urgency %s gives %s, urgency %s gives %s", cols[j-1], left, c, m.Cells[r][c]))
				}
			}
		}
	}
}

// severity checks the impact → severity map.
func (v *profileValidator) severity(m map[Level]incident.Severity, scale *incident.SeverityScale, scaleOK bool) {
	for _, l := range slices.Sorted(maps.Keys(m)) {
		if !l.Valid() || l == LevelNone {
			v.add(strictjson.JoinKey("severity", levelKey(l)), levelKey(l), "keys are impact levels low to critical (an event without impact gets no severity)")
		}
	}
	prev, prevLevel := -1, LevelNone
	for _, l := range []Level{LevelLow, LevelMedium, LevelHigh, LevelCritical} {
		field := strictjson.JoinKey("severity", l.String())
		s, ok := m[l]
		if !ok || s == "" {
			v.add(field, nil, "missing: every impact level from low to critical needs a severity")
			continue
		}
		if !scaleOK {
			continue
		}
		rank, err := scale.Rank(s)
		if err != nil {
			v.add(field, string(s), notOnProfileScale(scale, s))
			continue
		}
		if rank < prev {
			v.add(field, string(s), fmt.Sprintf("a higher impact must not get a lower severity: %s is below %s (severity.%s)", s, m[prevLevel], prevLevel))
		}
		prev, prevLevel = rank, l
	}
}

// tiers checks the response tiers and that every priority of the matrix
// has one.
func (v *profileValidator) tiers(tiers []Tier, m Matrix) {
	if len(tiers) == 0 {
		v.add("tiers", nil, "at least one tier is needed")
	}
	names := make(map[string]int, len(tiers))
	owner := make(map[incident.Priority]int)
	for i, t := range tiers {
		f := "tiers[" + strconv.Itoa(i) + "]"
		v.name(f+".name", t.Name)
		if j, dup := names[t.Name]; dup && t.Name != "" {
			v.add(f+".name", t.Name, fmt.Sprintf("duplicate tier name, first used by tiers[%d]", j))
		} else if !dup {
			names[t.Name] = i
		}
		if len(t.Priorities) == 0 {
			v.add(f+".priorities", nil, "a tier handles at least one priority")
		}
		for k, pr := range t.Priorities {
			pf := f + ".priorities[" + strconv.Itoa(k) + "]"
			if pr == incident.PriorityNone || !pr.Valid() {
				v.add(pf, string(pr), "priorities are P1, P2, P3, P4, P5")
				continue
			}
			if j, dup := owner[pr]; dup {
				v.add(pf, string(pr), fmt.Sprintf("priority %s already belongs to tiers[%d]", pr, j))
				continue
			}
			owner[pr] = i
		}
		for k, role := range t.Page {
			if !role.Valid() {
				v.add(f+".page["+strconv.Itoa(k)+"]", string(role), fmt.Sprintf("unknown role %q", role))
			}
		}
		if t.Acknowledge < 0 {
			v.add(f+".acknowledge", time.Duration(t.Acknowledge).String(), "must not be negative (0 sets no target)")
		}
		if t.Contain < 0 {
			v.add(f+".contain", time.Duration(t.Contain).String(), "must not be negative (0 sets no target)")
		}
	}
	if len(tiers) == 0 {
		return
	}
	for _, r := range slices.Sorted(maps.Keys(m.Cells)) {
		row := m.Cells[r]
		for _, c := range slices.Sorted(maps.Keys(row)) {
			pr := row[c]
			if !pr.Valid() || pr == incident.PriorityNone {
				continue // reported with the matrix
			}
			if _, ok := owner[pr]; !ok {
				v.add("tiers", string(pr), fmt.Sprintf("no tier handles priority %s, which matrix.cells.%s.%s gives", pr, levelKey(r), levelKey(c)))
				owner[pr] = -1 // report each priority once
			}
		}
	}
}

// priorityRank is 1 for P1 … 5 for P5, without the allocation of
// incident.Priority.Rank.
func priorityRank(p incident.Priority) int {
	switch p {
	case incident.P1:
		return 1
	case incident.P2:
		return 2
	case incident.P3:
		return 3
	case incident.P4:
		return 4
	case incident.P5:
		return 5
	}
	return 0
}

// levelKey names a level as a JSON key; an undefined level by its number.
func levelKey(l Level) string {
	if l.Valid() {
		return l.String()
	}
	return strconv.Itoa(int(l))
}

// notOnProfileScale says that s is not a level of scale, and lists the
// levels.
func notOnProfileScale(scale *incident.SeverityScale, s incident.Severity) string {
	levels := make([]string, len(scale.Levels))
	for i, l := range scale.Levels {
		levels[i] = string(l.Name)
	}
	return fmt.Sprintf("%q is not a level of severity scale %q (levels: %s)", s, scale.Name, strings.Join(levels, ", "))
}
