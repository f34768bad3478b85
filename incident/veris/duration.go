package veris

import (
	"math"
	"time"

	"github.com/iso27035/iso27035/incident"
)

// Nominal lengths of the calendar units VERIS durations use. A VERIS value
// of "2 Months" is a figure someone estimated, not a calendar interval, so
// the Gregorian means are used.
const (
	Day   = 24 * time.Hour
	Week  = 7 * Day
	Month = time.Duration(30.436875 * float64(Day)) // 365.2425 / 12 days
	Year  = time.Duration(365.2425 * float64(Day))
)

// maxDuration bounds a VERIS duration value: anything longer than 200
// years is not a timeline figure but a typing error.
const maxDuration = 200 * Year

// DurationKind says what a VERIS timeline duration tells.
type DurationKind string

// Duration kinds.
const (
	// DurationAbsent: the field is not in the record.
	DurationAbsent DurationKind = ""
	// DurationValue: a unit with a value, e.g. {"unit": "Days", "value": 3}:
	// Min = Max = value × unit. It is still a reported estimate.
	DurationValue DurationKind = "value"
	// DurationBucket: a unit without a value, e.g. {"unit": "Days"}: "some
	// number of days", from one unit up to (excluding) one of the next
	// larger unit; Years has no upper bound.
	DurationBucket DurationKind = "bucket"
	// DurationNever: the step never happened (e.g. never contained).
	DurationNever DurationKind = "never"
	// DurationNA: the step does not apply to this event (schema label:
	// "... does not apply in the context of the security event").
	DurationNA DurationKind = "na"
	// DurationUnknown: the step happened, its duration is unknown. It is
	// never zero.
	DurationUnknown DurationKind = "unknown"
)

// Duration is one VERIS timeline duration with its precision: the range
// [Min, Max] it stands for (Max is meaningless when Unbounded).
type Duration struct {
	Kind DurationKind `json:"kind,omitempty"`
	// Unit and Value are as recorded; Value is nil when absent.
	Unit  string   `json:"unit,omitempty"`
	Value *float64 `json:"value,omitempty"`
	// Min and Max bound the duration for kinds value and bucket.
	Min time.Duration `json:"min,omitempty"`
	Max time.Duration `json:"max,omitempty"`
	// Unbounded: no upper bound (the "Years" bucket).
	Unbounded bool `json:"unbounded,omitempty"`
}

// Known reports whether the duration has bounds (kind value or bucket).
func (d Duration) Known() bool { return d.Kind == DurationValue || d.Kind == DurationBucket }

// Durations are the four VERIS timeline durations of a record.
type Durations struct {
	// Compromise: from the first action to the first compromise of an
	// attribute.
	Compromise Duration `json:"compromise,omitzero"`
	// Exfiltration: from compromise to first known exfiltration (no
	// incident.Timeline anchor holds it).
	Exfiltration Duration `json:"exfiltration,omitzero"`
	// Discovery: from compromise until the victim discovered it (dwell
	// time).
	Discovery Duration `json:"discovery,omitzero"`
	// Containment: from discovery until contained (time to contain).
	Containment Duration `json:"containment,omitzero"`
}

// unitBounds is the length of one unit and of the next larger unit (the
// exclusive upper bound of a bucket; 0 means unbounded).
var unitBounds = map[string][2]time.Duration{
	"Seconds": {time.Second, time.Minute},
	"Minutes": {time.Minute, time.Hour},
	"Hours":   {time.Hour, Day},
	"Days":    {Day, Week},
	"Weeks":   {Week, Month},
	"Months":  {Month, Year},
	"Years":   {Year, 0},
}

// unitValue is the JSON form {"unit": ..., "value": ...}.
type unitValue struct {
	Unit  string   `json:"unit"`
	Value *float64 `json:"value"`
}

// parseDuration turns a validated unit/value pair into a Duration; field
// names it for errors (a negative or absurd value).
func parseDuration(field string, uv *unitValue) (Duration, error) {
	if uv == nil {
		return Duration{}, nil
	}
	d := Duration{Unit: uv.Unit, Value: uv.Value}
	switch uv.Unit {
	case "Never":
		d.Kind = DurationNever
		return d, nil
	case "NA":
		d.Kind = DurationNA
		return d, nil
	case "Unknown":
		d.Kind = DurationUnknown
		return d, nil
	}
	b, ok := unitBounds[uv.Unit]
	if !ok {
		return Duration{}, reject(field+".unit", ProblemInvalid, uv.Unit, "not a timeline unit")
	}
	if uv.Value == nil {
		d.Kind, d.Min, d.Max, d.Unbounded = DurationBucket, b[0], b[1], b[1] == 0
		if d.Unbounded {
			d.Max = 0
		}
		return d, nil
	}
	v := *uv.Value
	if math.IsNaN(v) || v < 0 || v*float64(b[0]) > float64(maxDuration) {
		return Duration{}, reject(field+".value", ProblemRange, v, "want a duration from 0 to 200 years")
	}
	x := time.Duration(math.Round(v * float64(b[0])))
	d.Kind, d.Min, d.Max = DurationValue, x, x
	return d, nil
}

// span is the interval of instants an anchor may stand for.
type span struct {
	lo, hi time.Time
	ok     bool
}

func spanOf(t incident.Timestamp) span {
	if t.IsZero() {
		return span{}
	}
	return span{lo: t.Earliest(), hi: t.Latest(), ok: true}
}

// after is s shifted by d: [lo+Min, hi+Max]; unknown when d has no bounds.
func (s span) after(d Duration) span {
	if !s.ok || !d.Known() || d.Unbounded {
		return span{}
	}
	return span{lo: s.lo.Add(d.Min), hi: s.hi.Add(d.Max), ok: true}
}

// timestamp is the finest Timestamp that holds the whole span: the day,
// month or year containing both ends, marked estimated. A span crossing a
// year boundary cannot be held by one Timestamp without claiming a false
// precision, so ok is false then.
func (s span) timestamp() (incident.Timestamp, bool) {
	if !s.ok {
		return incident.Timestamp{}, false
	}
	for _, p := range []incident.Precision{incident.PrecisionDay, incident.PrecisionMonth, incident.PrecisionYear} {
		t := incident.Approx(s.lo, p, true)
		if !s.hi.After(t.Latest()) {
			return t, true
		}
	}
	return incident.Timestamp{}, false
}
