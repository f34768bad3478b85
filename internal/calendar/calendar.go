package calendar

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Errors. Every error the package returns wraps one of them.
var (
	// ErrOutOfRange reports a date outside a calendar's coverage: the
	// calendar does not know that year's holidays.
	ErrOutOfRange = errors.New("calendar: date outside the calendar's coverage")
	// ErrUnknownZone reports a zone the package does not embed.
	ErrUnknownZone = errors.New("calendar: zone not embedded")
	// ErrUnknownCalendar reports a calendar name not in a Set.
	ErrUnknownCalendar = errors.New("calendar: unknown calendar")
	// ErrInvalid reports a calendar definition that does not hold
	// together; the *FieldError says which field.
	ErrInvalid = errors.New("calendar: invalid calendar")
)

// RangeError reports a date outside a calendar's coverage. It matches
// ErrOutOfRange.
type RangeError struct {
	Calendar string
	Date     Date
	From, To int
}

// Error implements error.
func (e *RangeError) Error() string {
	return fmt.Sprintf("calendar %s covers %d–%d, not %s", e.Calendar, e.From, e.To, e.Date)
}

// Unwrap returns ErrOutOfRange.
func (e *RangeError) Unwrap() error { return ErrOutOfRange }

// FieldError names a bad field of a calendar definition. It matches
// ErrInvalid.
type FieldError struct {
	Path   string // e.g. "holidays[2].month"
	Reason string
}

// Error implements error.
func (e *FieldError) Error() string { return "calendar: " + e.Path + ": " + e.Reason }

// Unwrap returns ErrInvalid.
func (e *FieldError) Unwrap() error { return ErrInvalid }

// Date is a civil date, without zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the civil date of t in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return Date{y, m, d}
}

// String returns the date as YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// days returns the number of days since 1970-01-01 (proleptic Gregorian),
// after H. Hinnant's days_from_civil.
func (d Date) days() int {
	y, m := d.Year, int(d.Month)
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d.Day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// fromDays is the inverse of days.
func fromDays(z int) Date {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return Date{y, time.Month(m), d}
}

// AddDays returns the date n days after d (before, for negative n).
func (d Date) AddDays(n int) Date { return fromDays(d.days() + n) }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	// 1970-01-01 was a Thursday.
	w := (d.days() + 4) % 7
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.days() < e.days() }

// DaysIn returns the number of days of month m of year y.
func DaysIn(y int, m time.Month) int {
	return Date{y, m + 1, 1}.normal().AddDays(-1).Day
}

// normal folds a month of 13 into January of the next year.
func (d Date) normal() Date {
	if d.Month > 12 {
		return Date{d.Year + 1, d.Month - 12, d.Day}
	}
	return d
}

// AddMonths returns the same-numbered day n months later, or the last day
// of that month when it has no such day (31 January + 1 month = 28 or 29
// February; Reg. 1182/71 Art. 3(2)(c)).
func (d Date) AddMonths(n int) Date {
	mi := int(d.Month) - 1 + n
	y := d.Year + mi/12
	mi %= 12
	if mi < 0 {
		mi += 12
		y--
	}
	m := time.Month(mi + 1)
	return Date{y, m, min(d.Day, DaysIn(y, m))}
}

// Kind says how a holiday rule finds its date in a year.
type Kind string

// Holiday rule kinds.
const (
	// KindFixed: Month and Day every year (1 May).
	KindFixed Kind = "fixed"
	// KindNthWeekday: the N-th Weekday of Month; N = -1 is the last
	// (US Thanksgiving: fourth Thursday of November).
	KindNthWeekday Kind = "nth_weekday"
	// KindEaster: Offset days from Western (Gregorian) Easter Sunday
	// (Good Friday -2, Easter Monday +1, Ascension +39, Whit Monday +50).
	KindEaster Kind = "easter"
	// KindFixedOrNthWeekday: Month and Day when that day falls on
	// IfWeekday, else the N-th Weekday of Month (Ireland's St Brigid's
	// Day: 1 February if a Friday, else the first Monday of February).
	KindFixedOrNthWeekday Kind = "fixed_or_nth_weekday"
)

// Observed says whether a holiday falling on a weekend is also kept on
// another day.
type Observed string

// Observed rules.
const (
	// ObservedNone: the holiday is the day itself.
	ObservedNone Observed = ""
	// ObservedUSFederal: Saturday → the Friday before, Sunday → the
	// Monday after (5 U.S.C. 6103(b); Executive Order 11582).
	ObservedUSFederal Observed = "us_federal"
	// ObservedSundayToSaturday: a Sunday holiday is kept the Saturday
	// before instead (Dutch King's Day, 27 April → 26 April).
	ObservedSundayToSaturday Observed = "sunday_to_saturday"
)

// Holiday is one rule of a calendar.
type Holiday struct {
	Name string `json:"name"`
	Kind Kind   `json:"kind"`
	// Month and Day for fixed dates; Month for n-th weekdays.
	Month time.Month `json:"month,omitempty"`
	Day   int        `json:"day,omitempty"`
	// Weekday and N for n-th weekdays (N 1–5, or -1 for the last).
	Weekday time.Weekday `json:"weekday,omitempty"`
	N       int          `json:"n,omitempty"`
	// IfWeekday for KindFixedOrNthWeekday.
	IfWeekday time.Weekday `json:"if_weekday,omitempty"`
	// Offset from Easter Sunday, in days, for KindEaster.
	Offset int `json:"offset,omitempty"`
	// FromYear and ToYear bound the years the rule applies (0: no
	// bound); Juneteenth applies from 2021.
	FromYear int      `json:"from_year,omitempty"`
	ToYear   int      `json:"to_year,omitempty"`
	Observed Observed `json:"observed,omitempty"`
	// Source cites the law that makes the day a holiday.
	Source string `json:"source,omitempty"`
}

// OneOff is a single non-working date (a closure by executive order, a
// one-time public holiday).
type OneOff struct {
	Date   string `json:"date"` // YYYY-MM-DD
	Name   string `json:"name"`
	Source string `json:"source,omitempty"`
}

// Calendar is a public-holiday calendar as data. Saturdays and Sundays
// are never working days; the rules add the holidays.
type Calendar struct {
	// Name identifies the calendar: "US-federal", "DE", "FR", …
	Name string `json:"name"`
	// Zone is the IANA zone its days are counted in; it must be embedded.
	Zone string `json:"zone"`
	// From and To are the years covered, inclusive. Asking about any
	// other year is an error.
	From int `json:"from"`
	To   int `json:"to"`
	// Source cites the law the calendar follows, and Scope says what it
	// leaves out (regional holidays, …).
	Source   string    `json:"source"`
	Scope    string    `json:"scope,omitempty"`
	Holidays []Holiday `json:"holidays"`
	OneOffs  []OneOff  `json:"one_offs,omitempty"`
}

// Limits of a calendar's coverage, so a definition cannot ask for an
// unbounded table.
const (
	MinYear = 1900
	MaxYear = 2200
)

// Compiled is a validated calendar with its holidays computed for every
// covered year. It is immutable and safe for concurrent use.
type Compiled struct {
	name     string
	loc      *time.Location
	from, to int
	first    int // day number of 1 January From
	last     int // day number of 31 December To
	days     map[int]string
	def      Calendar
	zt       zoneTable
}

// Compile validates c and computes its holidays. Every bad field is
// reported, joined (errors.Join), each a *FieldError.
func Compile(c Calendar) (*Compiled, error) {
	var errs []error
	bad := func(path, reason string) { errs = append(errs, &FieldError{Path: path, Reason: reason}) }
	if strings.TrimSpace(c.Name) == "" {
		bad("name", "required")
	}
	loc, err := Location(c.Zone)
	if err != nil {
		bad("zone", err.Error())
	}
	if c.From < MinYear || c.From > MaxYear {
		bad("from", fmt.Sprintf("year %d outside %d–%d", c.From, MinYear, MaxYear))
	}
	if c.To < MinYear || c.To > MaxYear {
		bad("to", fmt.Sprintf("year %d outside %d–%d", c.To, MinYear, MaxYear))
	}
	if c.To < c.From {
		bad("to", fmt.Sprintf("%d before from %d", c.To, c.From))
	}
	for i, h := range c.Holidays {
		p := fmt.Sprintf("holidays[%d].", i)
		if strings.TrimSpace(h.Name) == "" {
			bad(p+"name", "required")
		}
		monthDay := func(needDay bool) {
			if h.Month < 1 || h.Month > 12 {
				bad(p+"month", fmt.Sprintf("%d is not a month", h.Month))
			} else if needDay && (h.Day < 1 || h.Day > DaysIn(2000, h.Month)) {
				bad(p+"day", fmt.Sprintf("%d is not a day of month %d", h.Day, h.Month))
			}
		}
		nth := func() {
			if h.Weekday < time.Sunday || h.Weekday > time.Saturday {
				bad(p+"weekday", fmt.Sprintf("%d is not a weekday (0 Sunday … 6 Saturday)", h.Weekday))
			}
			if h.N != -1 && (h.N < 1 || h.N > 5) {
				bad(p+"n", fmt.Sprintf("%d: want 1–5 or -1 (last)", h.N))
			}
		}
		switch h.Kind {
		case KindFixed:
			monthDay(true)
		case KindNthWeekday:
			monthDay(false)
			nth()
		case KindFixedOrNthWeekday:
			monthDay(true)
			nth()
			if h.IfWeekday < time.Sunday || h.IfWeekday > time.Saturday {
				bad(p+"if_weekday", fmt.Sprintf("%d is not a weekday", h.IfWeekday))
			}
		case KindEaster:
			if h.Offset < -70 || h.Offset > 70 {
				bad(p+"offset", fmt.Sprintf("%d days from Easter: want -70…70", h.Offset))
			}
		default:
			bad(p+"kind", fmt.Sprintf("unknown kind %q", h.Kind))
		}
		switch h.Observed {
		case ObservedNone, ObservedUSFederal, ObservedSundayToSaturday:
		default:
			bad(p+"observed", fmt.Sprintf("unknown observed rule %q", h.Observed))
		}
		if h.FromYear != 0 && h.ToYear != 0 && h.ToYear < h.FromYear {
			bad(p+"to_year", fmt.Sprintf("%d before from_year %d", h.ToYear, h.FromYear))
		}
	}
	oneOffs := map[int]string{}
	for i, o := range c.OneOffs {
		t, err := time.Parse(time.DateOnly, o.Date)
		if err != nil {
			bad(fmt.Sprintf("one_offs[%d].date", i), fmt.Sprintf("%q: want YYYY-MM-DD", o.Date))
			continue
		}
		if strings.TrimSpace(o.Name) == "" {
			bad(fmt.Sprintf("one_offs[%d].name", i), "required")
		}
		oneOffs[DateOf(t, time.UTC).days()] = o.Name
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	k := &Compiled{name: c.Name, loc: loc, from: c.From, to: c.To, days: map[int]string{}, def: clone(c), zt: newZoneTable(loc, c.From, c.To)}
	k.first, k.last = Date{c.From, 1, 1}.days(), Date{c.To, 12, 31}.days()
	// One year either side, so that an observed day crossing the new
	// year (1 January on a Saturday → 31 December) is not lost.
	for y := c.From - 1; y <= c.To+1; y++ {
		for _, h := range c.Holidays {
			if (h.FromYear != 0 && y < h.FromYear) || (h.ToYear != 0 && y > h.ToYear) {
				continue
			}
			for _, d := range h.dates(y) {
				if n := d.days(); n >= k.first && n <= k.last {
					if _, dup := k.days[n]; !dup {
						k.days[n] = h.Name
					}
				}
			}
		}
	}
	for n, name := range oneOffs {
		if n >= k.first && n <= k.last {
			k.days[n] = name
		}
	}
	return k, nil
}

func clone(c Calendar) Calendar {
	c.Holidays = slices.Clone(c.Holidays)
	c.OneOffs = slices.Clone(c.OneOffs)
	return c
}

// dates returns the day itself and, under an observed rule, the day it is
// kept instead or as well.
func (h Holiday) dates(y int) []Date {
	var d Date
	switch h.Kind {
	case KindFixed:
		d = Date{y, h.Month, h.Day}
	case KindNthWeekday:
		d = nthWeekday(y, h.Month, h.Weekday, h.N)
		if d.Month != h.Month {
			return nil // a fifth weekday the month does not have this year
		}
	case KindFixedOrNthWeekday:
		d = Date{y, h.Month, h.Day}
		if d.Weekday() != h.IfWeekday {
			if d = nthWeekday(y, h.Month, h.Weekday, h.N); d.Month != h.Month {
				return nil
			}
		}
	case KindEaster:
		d = Easter(y).AddDays(h.Offset)
	}
	switch h.Observed {
	case ObservedUSFederal:
		switch d.Weekday() {
		case time.Saturday:
			return []Date{d, d.AddDays(-1)}
		case time.Sunday:
			return []Date{d, d.AddDays(1)}
		}
	case ObservedSundayToSaturday:
		if d.Weekday() == time.Sunday {
			return []Date{d.AddDays(-1)}
		}
	}
	return []Date{d}
}

// nthWeekday returns the n-th (or, for -1, the last) weekday w of month m;
// a fifth weekday the month lacks falls in the next month (callers check).
func nthWeekday(y int, m time.Month, w time.Weekday, n int) Date {
	if n < 0 {
		last := Date{y, m, DaysIn(y, m)}
		back := (int(last.Weekday()) - int(w) + 7) % 7
		return last.AddDays(-back)
	}
	first := Date{y, m, 1}
	fwd := (int(w) - int(first.Weekday()) + 7) % 7
	return first.AddDays(fwd + 7*(n-1))
}

// Easter returns Western (Gregorian) Easter Sunday of year y, by the
// anonymous Gregorian computus (Meeus/Jones/Butcher).
func Easter(y int) Date {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return Date{y, time.Month(month), day}
}

// Name returns the calendar's name.
func (k *Compiled) Name() string { return k.name }

// Location returns the zone the calendar counts days in.
func (k *Compiled) Location() *time.Location { return k.loc }

// Coverage returns the first and last year covered.
func (k *Compiled) Coverage() (from, to int) { return k.from, k.to }

// Definition returns a copy of the calendar's data.
func (k *Compiled) Definition() Calendar { return clone(k.def) }

func (k *Compiled) check(d Date) error {
	if n := d.days(); n < k.first || n > k.last {
		return &RangeError{Calendar: k.name, Date: d, From: k.from, To: k.to}
	}
	return nil
}

// Holiday returns the name of the holiday on d, if any. A date outside
// the coverage is a *RangeError.
func (k *Compiled) Holiday(d Date) (string, bool, error) {
	if err := k.check(d); err != nil {
		return "", false, err
	}
	name, ok := k.days[d.days()]
	return name, ok, nil
}

// Holidays returns the holidays of year y, in date order.
func (k *Compiled) Holidays(y int) ([]Date, []string, error) {
	if err := k.check(Date{y, 1, 1}); err != nil {
		return nil, nil, err
	}
	keys := slices.Sorted(maps.Keys(k.days))
	var ds []Date
	var names []string
	for _, n := range keys {
		if d := fromDays(n); d.Year == y {
			ds, names = append(ds, d), append(names, k.days[n])
		}
	}
	return ds, names, nil
}

// IsWorkingDay reports whether d is neither a Saturday, a Sunday nor a
// holiday of the calendar.
func (k *Compiled) IsWorkingDay(d Date) (bool, error) {
	if err := k.check(d); err != nil {
		return false, err
	}
	if w := d.Weekday(); w == time.Saturday || w == time.Sunday {
		return false, nil
	}
	_, hol := k.days[d.days()]
	return !hol, nil
}

// NextWorkingDay returns the first working day after d.
func (k *Compiled) NextWorkingDay(d Date) (Date, error) {
	for {
		d = d.AddDays(1)
		ok, err := k.IsWorkingDay(d)
		if err != nil || ok {
			return d, err
		}
	}
}

// AddWorkingDays returns the n-th working day after d (n ≥ 1); d itself is
// not counted, whether or not it is a working day.
func (k *Compiled) AddWorkingDays(d Date, n int) (Date, error) {
	if err := k.check(d); err != nil {
		return Date{}, err
	}
	for range n {
		var err error
		if d, err = k.NextWorkingDay(d); err != nil {
			return Date{}, err
		}
	}
	return d, nil
}

// At returns the instant of the wall-clock time hh:mm:ss on d in the
// calendar's zone.
func (k *Compiled) At(d Date, hh, mm, ss int) time.Time {
	return k.fromLocal(int64(d.days())*86400+int64(hh*3600+mm*60+ss), 0)
}

// EndOfDay returns 23:59:59 of d in the calendar's zone (see the package
// documentation on instants).
func (k *Compiled) EndOfDay(d Date) time.Time { return k.At(d, 23, 59, 59) }

// DateOf returns the civil date of t in the calendar's zone.
func (k *Compiled) DateOf(t time.Time) Date {
	day, _ := k.local(t)
	return fromDays(day)
}
