package calendar

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

// Coverage of the built-in calendars.
const (
	BuiltinFrom = 2020
	BuiltinTo   = 2035
)

// Names of the built-in calendars.
const (
	USFederal = "US-federal"
	DE        = "DE"
	FR        = "FR"
	IE        = "IE"
	NL        = "NL"
)

// Confidence: every built-in calendar is [U] in the reference's terms:
// compiled from the cited statutes, not re-read against the primary text
// in this repository's reference files. They are data: a host replaces
// any of them (Set.With) without a code change. Leaving a holiday out
// makes a deadline earlier, never later, so the tables keep to days that
// are certainly public holidays nationwide.

// usFederal is 5 U.S.C. 6103(a) with the observed rule of 6103(b) and
// Executive Order 11582 (Saturday → Friday, Sunday → Monday).
//
// Left out, on purpose:
//   - Inauguration Day (6103(c)) is a holiday only for federal employees
//     in the District of Columbia area, every four years; whether the
//     Commission treats it as a non-business day for EDGAR is not
//     confirmed [U]. Leaving it out can only make a deadline earlier.
//   - Closures by executive order (a day of mourning, Christmas Eve in
//     some years) are one-offs a host adds as OneOffs when they are
//     ordered.
var usFederal = Calendar{
	Name: USFederal, Zone: "America/New_York", From: BuiltinFrom, To: BuiltinTo,
	Source: "5 U.S.C. 6103(a), (b); Executive Order 11582; Juneteenth: Pub. L. 117-17 (2021)",
	Scope:  "legal public holidays of 5 U.S.C. 6103(a) with observed days; no Inauguration Day, no ad-hoc closures",
	Holidays: []Holiday{
		{Name: "New Year's Day", Kind: KindFixed, Month: time.January, Day: 1, Observed: ObservedUSFederal},
		{Name: "Birthday of Martin Luther King, Jr.", Kind: KindNthWeekday, Month: time.January, Weekday: time.Monday, N: 3},
		{Name: "Washington's Birthday", Kind: KindNthWeekday, Month: time.February, Weekday: time.Monday, N: 3},
		{Name: "Memorial Day", Kind: KindNthWeekday, Month: time.May, Weekday: time.Monday, N: -1},
		{Name: "Juneteenth National Independence Day", Kind: KindFixed, Month: time.June, Day: 19, FromYear: 2021, Observed: ObservedUSFederal, Source: "Pub. L. 117-17, 17 June 2021"},
		{Name: "Independence Day", Kind: KindFixed, Month: time.July, Day: 4, Observed: ObservedUSFederal},
		{Name: "Labor Day", Kind: KindNthWeekday, Month: time.September, Weekday: time.Monday, N: 1},
		{Name: "Columbus Day", Kind: KindNthWeekday, Month: time.October, Weekday: time.Monday, N: 2},
		{Name: "Veterans Day", Kind: KindFixed, Month: time.November, Day: 11, Observed: ObservedUSFederal},
		{Name: "Thanksgiving Day", Kind: KindNthWeekday, Month: time.November, Weekday: time.Thursday, N: 4},
		{Name: "Christmas Day", Kind: KindFixed, Month: time.December, Day: 25, Observed: ObservedUSFederal},
	},
}

// germany holds the public holidays common to all sixteen Länder: 3
// October by federal law (Einigungsvertrag Art. 2(2)), the others by
// every Land's Feiertagsgesetz. Länder holidays (Epiphany, Corpus
// Christi, Reformation Day, International Women's Day in Berlin, …) are
// out: a host whose entity sits in a Land adds them with Set.With. 24 and
// 31 December are bank closing days, not public holidays: out as well
// (leaving them out errs early).
var germany = Calendar{
	Name: DE, Zone: "Europe/Berlin", From: BuiltinFrom, To: BuiltinTo,
	Source: "Einigungsvertrag Art. 2(2) (3 October); Feiertagsgesetze of the 16 Länder (holidays common to all)",
	Scope:  "nationwide public holidays only; no Länder holidays",
	Holidays: []Holiday{
		{Name: "Neujahr", Kind: KindFixed, Month: time.January, Day: 1},
		{Name: "Karfreitag", Kind: KindEaster, Offset: -2},
		{Name: "Ostermontag", Kind: KindEaster, Offset: 1},
		{Name: "Tag der Arbeit", Kind: KindFixed, Month: time.May, Day: 1},
		{Name: "Christi Himmelfahrt", Kind: KindEaster, Offset: 39},
		{Name: "Pfingstmontag", Kind: KindEaster, Offset: 50},
		{Name: "Tag der Deutschen Einheit", Kind: KindFixed, Month: time.October, Day: 3},
		{Name: "1. Weihnachtstag", Kind: KindFixed, Month: time.December, Day: 25},
		{Name: "2. Weihnachtstag", Kind: KindFixed, Month: time.December, Day: 26},
	},
}

// france is Code du travail Art. L3133-1. Good Friday and 26 December,
// public holidays in Alsace-Moselle only (Art. L3134-13), are out.
var france = Calendar{
	Name: FR, Zone: "Europe/Paris", From: BuiltinFrom, To: BuiltinTo,
	Source: "Code du travail, Art. L3133-1",
	Scope:  "national jours fériés; no Alsace-Moselle or overseas holidays",
	Holidays: []Holiday{
		{Name: "Jour de l'an", Kind: KindFixed, Month: time.January, Day: 1},
		{Name: "Lundi de Pâques", Kind: KindEaster, Offset: 1},
		{Name: "Fête du Travail", Kind: KindFixed, Month: time.May, Day: 1},
		{Name: "Victoire 1945", Kind: KindFixed, Month: time.May, Day: 8},
		{Name: "Ascension", Kind: KindEaster, Offset: 39},
		{Name: "Lundi de Pentecôte", Kind: KindEaster, Offset: 50},
		{Name: "Fête nationale", Kind: KindFixed, Month: time.July, Day: 14},
		{Name: "Assomption", Kind: KindFixed, Month: time.August, Day: 15},
		{Name: "Toussaint", Kind: KindFixed, Month: time.November, Day: 1},
		{Name: "Armistice 1918", Kind: KindFixed, Month: time.November, Day: 11},
		{Name: "Noël", Kind: KindFixed, Month: time.December, Day: 25},
	},
}

// ireland is the Organisation of Working Time Act 1997, Schedule 2, as
// amended (St Brigid's Day from 2023; the one-off public holiday of 18
// March 2022). An Irish public holiday on a weekend is not moved to
// another day by law (employees get a day in lieu), so there is no
// observed rule; banks' substitute closing days are out (errs early).
var ireland = Calendar{
	Name: IE, Zone: "Europe/Dublin", From: BuiltinFrom, To: BuiltinTo,
	Source: "Organisation of Working Time Act 1997, Schedule 2, as amended (S.I. 58/2022: St Brigid's Day, 18 March 2022)",
	Scope:  "public holidays; no substitute bank closing days",
	Holidays: []Holiday{
		{Name: "New Year's Day", Kind: KindFixed, Month: time.January, Day: 1},
		{Name: "St Brigid's Day", Kind: KindFixedOrNthWeekday, Month: time.February, Day: 1, IfWeekday: time.Friday, Weekday: time.Monday, N: 1, FromYear: 2023},
		{Name: "St Patrick's Day", Kind: KindFixed, Month: time.March, Day: 17},
		{Name: "Easter Monday", Kind: KindEaster, Offset: 1},
		{Name: "May Day", Kind: KindNthWeekday, Month: time.May, Weekday: time.Monday, N: 1},
		{Name: "June Bank Holiday", Kind: KindNthWeekday, Month: time.June, Weekday: time.Monday, N: 1},
		{Name: "August Bank Holiday", Kind: KindNthWeekday, Month: time.August, Weekday: time.Monday, N: 1},
		{Name: "October Bank Holiday", Kind: KindNthWeekday, Month: time.October, Weekday: time.Monday, N: -1},
		{Name: "Christmas Day", Kind: KindFixed, Month: time.December, Day: 25},
		{Name: "St Stephen's Day", Kind: KindFixed, Month: time.December, Day: 26},
	},
	OneOffs: []OneOff{{Date: "2022-03-18", Name: "Public holiday (COVID-19 remembrance)", Source: "S.I. 58/2022"}},
}

// netherlands is the Algemene termijnenwet Art. 3(1), the Dutch rule for
// statutory time limits: Good Friday is not in it and is out.
var netherlands = Calendar{
	Name: NL, Zone: "Europe/Amsterdam", From: BuiltinFrom, To: BuiltinTo,
	Source: "Algemene termijnenwet, Art. 3(1)",
	Scope:  "algemeen erkende feestdagen; no Good Friday",
	Holidays: []Holiday{
		{Name: "Nieuwjaarsdag", Kind: KindFixed, Month: time.January, Day: 1},
		{Name: "Tweede Paasdag", Kind: KindEaster, Offset: 1},
		{Name: "Koningsdag", Kind: KindFixed, Month: time.April, Day: 27, Observed: ObservedSundayToSaturday},
		{Name: "Bevrijdingsdag", Kind: KindFixed, Month: time.May, Day: 5},
		{Name: "Hemelvaartsdag", Kind: KindEaster, Offset: 39},
		{Name: "Tweede Pinksterdag", Kind: KindEaster, Offset: 50},
		{Name: "Eerste Kerstdag", Kind: KindFixed, Month: time.December, Day: 25},
		{Name: "Tweede Kerstdag", Kind: KindFixed, Month: time.December, Day: 26},
	},
}

// Builtins returns copies of the built-in calendar definitions.
func Builtins() []Calendar {
	return []Calendar{clone(usFederal), clone(germany), clone(france), clone(ireland), clone(netherlands)}
}

// Set is a collection of compiled calendars by name. It is immutable:
// With returns a new Set.
type Set struct {
	m map[string]*Compiled
}

var builtin = sync.OnceValue(func() *Set {
	s := &Set{m: map[string]*Compiled{}}
	for _, c := range Builtins() {
		k, err := Compile(c)
		if err != nil {
			panic(fmt.Sprintf("calendar: built-in %s: %v", c.Name, err))
		}
		s.m[c.Name] = k
	}
	return s
})

// Builtin returns the Set of built-in calendars.
func Builtin() *Set { return builtin() }

// With returns a new Set holding s's calendars and cals, which add to or
// replace (by name) those of s. Every bad calendar is reported.
func (s *Set) With(cals ...Calendar) (*Set, error) {
	n := &Set{m: make(map[string]*Compiled, len(s.m)+len(cals))}
	for k, v := range s.m {
		n.m[k] = v
	}
	var errs []error
	for i, c := range cals {
		k, err := Compile(c)
		if err != nil {
			errs = append(errs, fmt.Errorf("calendars[%d] (%s): %w", i, c.Name, err))
			continue
		}
		n.m[c.Name] = k
	}
	if len(errs) > 0 {
		return nil, joinErrs(errs)
	}
	return n, nil
}

// Get returns the calendar named name, or an error wrapping
// ErrUnknownCalendar.
func (s *Set) Get(name string) (*Compiled, error) {
	if k, ok := s.m[name]; ok {
		return k, nil
	}
	return nil, fmt.Errorf("%w: %q (have %v)", ErrUnknownCalendar, name, s.Names())
}

// Names lists the calendars of s, sorted.
func (s *Set) Names() []string {
	out := make([]string, 0, len(s.m))
	for k := range s.m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
