package calendar

import (
	"errors"
	"fmt"
	"time"
)

func joinErrs(errs []error) error { return errors.Join(errs...) }

// Unit is the unit a period is expressed in.
type Unit string

// Units.
const (
	Hours  Unit = "hours"
	Days   Unit = "days"
	Weeks  Unit = "weeks"
	Months Unit = "months"
)

// Period is a time limit: N units.
type Period struct {
	N    int  `json:"n"`
	Unit Unit `json:"unit"`
}

// String returns "72 hours", "1 months".
func (p Period) String() string { return fmt.Sprintf("%d %s", p.N, p.Unit) }

// Valid reports whether p has a known unit and a positive length.
func (p Period) Valid() bool {
	switch p.Unit {
	case Hours, Days, Weeks, Months:
		return p.N > 0 && p.N <= 10_000
	}
	return false
}

// Rule is a counting rule: how the end of a period is found.
type Rule string

// Counting rules.
const (
	// RuleEU1182 is Regulation (EEC, Euratom) No 1182/71 Art. 3 [C]:
	// the hour or day of the event is not counted (3(1)); a period in
	// hours ends at the expiry of its last hour (3(2)(a)) and never moves;
	// a period in days, weeks or months ends at the expiry of the last
	// hour of its last day (3(2)(b), (c)), for months the same-numbered
	// day or the month's last day; a period not in hours whose last day
	// is a Saturday, Sunday or public holiday ends at the expiry of the
	// following working day (3(4)); a period of two days or more
	// includes at least two working days (3(5), [S]).
	RuleEU1182 Rule = "eu_1182_71"
	// RuleElapsed ends a period at the same wall-clock time N units
	// later (hours: N×60 minutes elapsed), with no end-of-day rounding
	// and no weekend or holiday relief: the strictest reading, for a
	// national transposition that counts so or a host that wants no
	// margin.
	RuleElapsed Rule = "elapsed"
	// RuleEndOfDay ends a period in days, weeks or months at the end of
	// its last day (the event's day not counted) without weekend or
	// holiday relief; hours as RuleElapsed. HIPAA's "60 calendar days"
	// is counted so ([U]: the regulation does not say whether the day of
	// discovery counts; this reading excludes it and allows the whole
	// 60th day).
	RuleEndOfDay Rule = "end_of_day"
)

// Valid reports whether r is a defined rule.
func (r Rule) Valid() bool { return r == RuleEU1182 || r == RuleElapsed || r == RuleEndOfDay }

// End returns the two instants of a period p running from the event at
// t under rule r in calendar k:
//
//   - due, the conservative deadline a team should aim for: t plus the
//     period at the same wall-clock time (hours: the earlier of N hours
//     elapsed and N hours of wall-clock time, which differ by the hour a
//     DST change adds or removes), never later than legal;
//   - legal, the last instant the law accepts under r (see the package
//     documentation on instants).
//
// Computing a rule that consults holidays for a date outside k's
// coverage is a *RangeError.
func End(r Rule, k *Compiled, t time.Time, p Period) (due, legal time.Time, err error) {
	if !p.Valid() {
		return time.Time{}, time.Time{}, fmt.Errorf("calendar: invalid period %q", p)
	}
	day, sec := k.local(t)
	if p.Unit == Hours {
		elapsed := t.Add(time.Duration(p.N) * time.Hour)
		wall := k.fromLocal(int64(day)*86400+sec+int64(p.N)*3600, t.Nanosecond())
		due = elapsed
		if wall.Before(due) {
			due = wall
		}
		if r != RuleEU1182 {
			return due, elapsed, nil
		}
		// 3(1): the hour of the event is not counted: the period starts
		// at the beginning of the next hour and ends N hours later.
		floor := t.Add(-time.Duration(sec%3600)*time.Second - time.Duration(t.Nanosecond()))
		return due, floor.Add(time.Duration(p.N+1) * time.Hour), nil
	}
	start := fromDays(day)
	var last Date
	switch p.Unit {
	case Days:
		last = start.AddDays(p.N)
	case Weeks:
		last = start.AddDays(7 * p.N)
	case Months:
		last = start.AddMonths(p.N)
	}
	due = k.fromLocal(int64(last.days())*86400+sec, 0)
	switch r {
	case RuleElapsed:
		return due, due, nil
	case RuleEndOfDay:
		legal = k.EndOfDay(last)
	default:
		// 3(4): a last day that is not a working day moves to the
		// following working day.
		ok, err := k.IsWorkingDay(last)
		if err != nil {
			return time.Time{}, time.Time{}, err
		}
		if !ok {
			if last, err = k.NextWorkingDay(last); err != nil {
				return time.Time{}, time.Time{}, err
			}
		}
		// 3(5) [S]: a period of two days or more includes at least two
		// working days.
		if p.Unit != Days || p.N >= 2 {
			for {
				n, err := k.workingDaysBetween(start, last)
				if err != nil {
					return time.Time{}, time.Time{}, err
				}
				if n >= 2 {
					break
				}
				if last, err = k.NextWorkingDay(last); err != nil {
					return time.Time{}, time.Time{}, err
				}
			}
		}
		legal = k.EndOfDay(last)
	}
	if due.After(legal) {
		due = legal
	}
	return due, legal, nil
}

// workingDaysBetween counts working days after a up to and including b.
func (k *Compiled) workingDaysBetween(a, b Date) (int, error) {
	n := 0
	for d := a.AddDays(1); !b.Before(d); d = d.AddDays(1) {
		ok, err := k.IsWorkingDay(d)
		if err != nil {
			return 0, err
		}
		if ok {
			n++
			if n >= 2 {
				return n, nil
			}
		}
	}
	return n, nil
}

// BusinessDays returns the deadline of a period of n business days of
// calendar k running from the event at t, for a filing that counts for a
// day only when made by cutoff (hh:mm local) — SEC Form 8-K:
//
//   - the event day is not counted; an event on a day that is not a
//     business day starts the period on, and counts, the first business
//     day after it (Form 8-K General Instruction B.1);
//   - legal is cutoff on the n-th business day (Reg. S-T 232.13(a)(2):
//     a filing commenced by 17:30 Eastern is filed that day);
//   - due is the event's wall-clock time on the n-th business day, never
//     later than legal; for an event on a non-business day the period
//     counts whole business days from the next one, so due is legal.
func BusinessDays(k *Compiled, t time.Time, n, cutoffHour, cutoffMinute int) (due, legal time.Time, err error) {
	if n < 1 || n > 1000 {
		return time.Time{}, time.Time{}, fmt.Errorf("calendar: invalid number of business days %d", n)
	}
	day, sec := k.local(t)
	d := fromDays(day)
	ok, err := k.IsWorkingDay(d)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	hh, mm, ss := int(sec/3600), int(sec%3600/60), int(sec%60)
	steps := n
	if !ok {
		// B.1: the period begins to run on, and includes, the first
		// business day thereafter.
		if d, err = k.NextWorkingDay(d); err != nil {
			return time.Time{}, time.Time{}, err
		}
		steps = n - 1
		hh, mm, ss = 24, 0, 0 // capped to the cut-off below
	}
	last, err := k.AddWorkingDays(d, steps)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	legal = k.At(last, cutoffHour, cutoffMinute, 0)
	due = k.At(last, hh, mm, ss)
	if due.After(legal) {
		due = legal
	}
	return due, legal, nil
}

// NoonNextWorkingDay applies a relief of the DORA kind (RTS 2025/301
// Art. 5(4)): a deadline falling on a day that is not a working day of k
// moves to 12:00 of the next working day; a deadline on a working day
// stays. moved reports whether it moved.
func NoonNextWorkingDay(k *Compiled, deadline time.Time) (time.Time, bool, error) {
	d := k.DateOf(deadline)
	ok, err := k.IsWorkingDay(d)
	if err != nil || ok {
		return deadline, false, err
	}
	next, err := k.NextWorkingDay(d)
	if err != nil {
		return deadline, false, err
	}
	return k.At(next, 12, 0, 0), true, nil
}
