package calendar

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func date(s string) Date {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return DateOf(t, time.UTC)
}

func cal(t *testing.T, name string) *Compiled {
	t.Helper()
	k, err := Builtin().Get(name)
	require.NoError(t, err)
	return k
}

func TestEasterComputus(t *testing.T) {
	for y, want := range map[int]string{
		1818: "1818-03-22", 1943: "1943-04-25", 2000: "2000-04-23", 2008: "2008-03-23", 2019: "2019-04-21",
		2020: "2020-04-12", 2021: "2021-04-04", 2022: "2022-04-17", 2023: "2023-04-09", 2024: "2024-03-31",
		2025: "2025-04-20", 2026: "2026-04-05", 2027: "2027-03-28", 2028: "2028-04-16", 2029: "2029-04-01",
		2030: "2030-04-21", 2035: "2035-03-25", 2038: "2038-04-25", 2285: "2285-03-22",
	} {
		assert.Equal(t, want, Easter(y).String(), "Easter %d", y)
	}
}

func TestDateArithmetic(t *testing.T) {
	for _, s := range []string{"1969-12-31", "1970-01-01", "2000-02-29", "2028-02-29", "2100-03-01", "1900-01-01"} {
		d := date(s)
		assert.Equal(t, d, fromDays(d.days()), s)
		tt, _ := time.Parse(time.DateOnly, s)
		assert.Equal(t, tt.Weekday(), d.Weekday(), s)
	}
	assert.Equal(t, "2026-02-28", date("2026-01-31").AddMonths(1).String(), "31 Jan + 1 month, Art. 3(2)(c)")
	assert.Equal(t, "2028-02-29", date("2028-01-31").AddMonths(1).String(), "leap year")
	assert.Equal(t, "2028-03-29", date("2028-02-29").AddMonths(1).String())
	assert.Equal(t, "2027-01-15", date("2026-12-15").AddMonths(1).String(), "year boundary")
	assert.Equal(t, "2025-11-30", date("2026-01-30").AddMonths(-2).String())
	assert.Equal(t, 29, DaysIn(2028, time.February))
	assert.Equal(t, 31, DaysIn(2026, time.December))
}

// 5 U.S.C. 6103(a), (b): legal public holidays and observed days.
func TestUSFederalHolidays(t *testing.T) {
	us := cal(t, USFederal)
	for _, tc := range []struct {
		d    string
		want bool
		why  string
	}{
		{"2021-12-31", true, "1 January 2022 is a Saturday: observed Friday 31 December 2021 (6103(b)(1))"},
		{"2023-01-02", true, "1 January 2023 is a Sunday: observed Monday"},
		{"2020-06-19", false, "Juneteenth is a holiday from 2021 only"},
		{"2021-06-18", true, "Juneteenth 2021 (Saturday) observed Friday"},
		{"2022-06-20", true, "Juneteenth 2022 (Sunday) observed Monday"},
		{"2026-06-19", true, "Juneteenth 2026, a Friday"},
		{"2027-06-18", true, "Juneteenth 2027 (Saturday) observed Friday"},
		{"2026-07-03", true, "4 July 2026 is a Saturday: observed Friday 3 July"},
		{"2027-12-24", true, "Christmas 2027 (Saturday) observed Friday"},
		{"2026-01-19", true, "MLK Day: third Monday of January"},
		{"2026-02-16", true, "Washington's Birthday: third Monday of February"},
		{"2026-05-25", true, "Memorial Day: last Monday of May"},
		{"2026-09-07", true, "Labor Day"},
		{"2026-10-12", true, "Columbus Day"},
		{"2026-11-11", true, "Veterans Day"},
		{"2026-11-26", true, "Thanksgiving: fourth Thursday of November"},
		{"2029-01-20", false, "Inauguration Day is left out (DC area only)"},
		{"2026-12-24", false, "Christmas Eve is no legal public holiday"},
	} {
		_, got, err := us.Holiday(date(tc.d))
		require.NoError(t, err)
		assert.Equal(t, tc.want, got, "%s: %s", tc.d, tc.why)
	}
}

func TestMemberStateHolidays(t *testing.T) {
	for _, tc := range []struct {
		cal, d string
		want   bool
	}{
		{DE, "2026-04-03", true}, {DE, "2026-04-06", true}, {DE, "2026-05-14", true}, {DE, "2026-05-25", true},
		{DE, "2026-10-03", true}, {DE, "2026-12-26", true}, {DE, "2026-06-04", false /* Corpus Christi: Länder only */},
		{DE, "2026-10-31", false /* Reformation Day: Länder only */}, {DE, "2026-12-24", false},
		{FR, "2026-05-08", true}, {FR, "2026-07-14", true}, {FR, "2026-05-25", true}, {FR, "2026-04-03", false /* Good Friday: Alsace-Moselle only */},
		{IE, "2023-02-06", true}, {IE, "2026-02-02", true}, {IE, "2030-02-01", true /* a Friday */}, {IE, "2022-02-07", false /* before 2023 */},
		{IE, "2022-03-18", true /* one-off */}, {IE, "2026-10-26", true}, {IE, "2026-03-17", true},
		{NL, "2025-04-26", true /* 27 April 2025 is a Sunday */}, {NL, "2025-04-28", false}, {NL, "2026-04-27", true},
		{NL, "2026-05-05", true}, {NL, "2026-04-03", false /* Good Friday is not in the Algemene termijnenwet */},
	} {
		_, got, err := cal(t, tc.cal).Holiday(date(tc.d))
		require.NoError(t, err)
		assert.Equal(t, tc.want, got, "%s %s", tc.cal, tc.d)
	}
}

func TestOutOfRangeIsAnError(t *testing.T) {
	for _, name := range []string{USFederal, DE, FR, IE, NL} {
		k := cal(t, name)
		for _, d := range []string{"2019-12-31", "2036-01-01"} {
			_, _, err := k.Holiday(date(d))
			require.ErrorIs(t, err, ErrOutOfRange, "%s %s", name, d)
			var re *RangeError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, BuiltinFrom, re.From)
			_, err = k.IsWorkingDay(date(d))
			require.ErrorIs(t, err, ErrOutOfRange)
		}
		_, _, err := k.Holidays(2040)
		require.ErrorIs(t, err, ErrOutOfRange)
	}
	// The last covered day asks about the next one: out of range.
	_, err := cal(t, DE).NextWorkingDay(date("2035-12-31"))
	require.ErrorIs(t, err, ErrOutOfRange)
	// A month period ending past the coverage.
	de := cal(t, DE)
	_, _, err = End(RuleEU1182, de, de.At(date("2035-12-20"), 10, 0, 0), Period{1, Months})
	require.ErrorIs(t, err, ErrOutOfRange)
}

func TestHostCalendarsAsData(t *testing.T) {
	// A host adds Bavaria's holidays as JSON.
	var bavaria Calendar
	require.NoError(t, json.Unmarshal([]byte(`{"name":"DE-BY","zone":"Europe/Berlin","from":2024,"to":2030,
		"source":"Bayerisches Feiertagsgesetz Art. 1",
		"holidays":[{"name":"Fronleichnam","kind":"easter","offset":60},{"name":"Heilige Drei Könige","kind":"fixed","month":1,"day":6}]}`), &bavaria))
	s, err := Builtin().With(bavaria)
	require.NoError(t, err)
	k, err := s.Get("DE-BY")
	require.NoError(t, err)
	_, ok, err := k.Holiday(date("2026-06-04"))
	require.NoError(t, err)
	assert.True(t, ok)
	_, err = Builtin().Get("DE-BY")
	require.ErrorIs(t, err, ErrUnknownCalendar, "With does not change the receiver")

	// Every bad field is named.
	_, err = Builtin().With(Calendar{Name: "", Zone: "Mars/Olympus", From: 2030, To: 2020, Holidays: []Holiday{
		{Name: "x", Kind: "lunar"}, {Name: "", Kind: KindFixed, Month: 2, Day: 30}, {Name: "y", Kind: KindNthWeekday, Month: 13, N: 6, Weekday: 9},
	}, OneOffs: []OneOff{{Date: "2026-13-01", Name: "z"}}})
	require.ErrorIs(t, err, ErrInvalid)
	for _, f := range []string{"name", "zone", "to", "holidays[0].kind", "holidays[1].name", "holidays[1].day",
		"holidays[2].month", "holidays[2].n", "holidays[2].weekday", "one_offs[0].date"} {
		assert.Contains(t, err.Error(), f+":")
	}
}

func TestZonesAreEmbedded(t *testing.T) {
	for _, z := range []string{"UTC", "Europe/Berlin", "Europe/Paris", "Europe/Dublin", "Europe/Amsterdam", "Europe/Brussels", "America/New_York"} {
		loc, err := Location(z)
		require.NoError(t, err, z)
		assert.Equal(t, z, loc.String())
	}
	_, err := Location("Asia/Kolkata")
	require.ErrorIs(t, err, ErrUnknownZone)
	assert.NotEmpty(t, TZDataVersion())
	// Europe: DST from the last Sunday of March to the last of October.
	ber, _ := Location("Europe/Berlin")
	_, off := time.Date(2026, 3, 29, 0, 59, 0, 0, time.UTC).In(ber).Zone()
	assert.Equal(t, 3600, off)
	_, off = time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC).In(ber).Zone()
	assert.Equal(t, 7200, off)
	// US: second Sunday of March to first Sunday of November.
	ny, _ := Location("America/New_York")
	_, off = time.Date(2026, 3, 8, 7, 0, 0, 0, time.UTC).In(ny).Zone()
	assert.Equal(t, -4*3600, off)
	_, off = time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC).In(ny).Zone()
	assert.Equal(t, -5*3600, off)
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// Regulation 1182/71 Art. 3, in the Member State's zone.
func TestEU1182Counting(t *testing.T) {
	de := cal(t, DE)
	for _, tc := range []struct {
		name       string
		from       string
		p          Period
		due, legal string
	}{
		{"Art.3(1) hours: the event's hour is not counted", "2026-05-12T08:15:00Z", Period{72, Hours}, "2026-05-15T08:15:00Z", "2026-05-15T09:00:00Z"},
		{"Art.3(1) hours: an event on the hour", "2026-05-12T08:00:00Z", Period{24, Hours}, "2026-05-13T08:00:00Z", "2026-05-14T09:00:00Z"[:0] + "2026-05-13T09:00:00Z"},
		{"Art.3(4) does not move hours: ends on a Sunday", "2026-05-08T10:00:00Z", Period{48, Hours}, "2026-05-10T10:00:00Z", "2026-05-10T11:00:00Z"},
		{"DST March (Europe, last Sunday): wall clock is the earlier due", "2026-03-28T09:15:00Z", Period{24, Hours}, "2026-03-29T08:15:00Z", "2026-03-29T10:00:00Z"},
		{"DST October (Europe): elapsed is the earlier due", "2026-10-24T08:15:00Z", Period{24, Hours}, "2026-10-25T08:15:00Z", "2026-10-25T09:00:00Z"},
		{"Art.3(2)(c) 31 Jan + 1 month = 28 Feb (a Saturday) → Art.3(4) Monday 2 March", "2026-01-31T09:00:00Z", Period{1, Months}, "2026-02-28T09:00:00Z", "2026-03-02T22:59:59Z"},
		{"leap day: 31 Jan 2028 + 1 month = 29 Feb 2028", "2028-01-31T09:00:00Z", Period{1, Months}, "2028-02-29T09:00:00Z", "2028-02-29T22:59:59Z"},
		{"leap day: 29 Feb 2028 + 1 month = 29 March", "2028-02-29T09:00:00Z", Period{1, Months}, "2028-03-29T08:00:00Z", "2028-03-29T21:59:59Z"},
		{"month end in local time: 31 Jan 23:30 CET is 31 Jan, not 1 Feb UTC", "2026-01-31T22:30:00Z", Period{1, Months}, "2026-02-28T22:30:00Z", "2026-03-02T22:59:59Z"},
		{"Art.3(4) holidays: 21 Dec + 4 days = Christmas → Monday 28 Dec", "2026-12-21T09:00:00Z", Period{4, Days}, "2026-12-25T09:00:00Z", "2026-12-28T22:59:59Z"},
		{"Art.3(4) Easter: ends Good Friday 2026 → Tuesday 7 April", "2026-03-20T09:00:00Z", Period{2, Weeks}, "2026-04-03T08:00:00Z", "2026-04-07T21:59:59Z"},
		{"year boundary: 15 Dec + 1 month", "2026-12-15T09:00:00Z", Period{1, Months}, "2027-01-15T09:00:00Z", "2027-01-15T22:59:59Z"},
		{"year boundary onto New Year's Day", "2026-12-01T09:00:00Z", Period{1, Months}, "2027-01-01T09:00:00Z", "2027-01-04T22:59:59Z"},
		{"exactly midnight start", "2026-06-09T22:00:00Z", Period{14, Days}, "2026-06-23T22:00:00Z", "2026-06-24T21:59:59Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			due, legal, err := End(RuleEU1182, de, utc(tc.from), tc.p)
			require.NoError(t, err)
			assert.Equal(t, tc.due, due.UTC().Format(time.RFC3339), "due")
			assert.Equal(t, tc.legal, legal.UTC().Format(time.RFC3339), "legal end")
			assert.False(t, due.After(legal), "due never after the legal end")
		})
	}
}

func TestOtherRules(t *testing.T) {
	de := cal(t, DE)
	due, legal, err := End(RuleElapsed, de, utc("2026-01-31T09:00:00Z"), Period{1, Months})
	require.NoError(t, err)
	assert.Equal(t, due, legal)
	assert.Equal(t, "2026-02-28T09:00:00Z", legal.UTC().Format(time.RFC3339))
	_, legal, err = End(RuleEndOfDay, de, utc("2026-01-31T09:00:00Z"), Period{1, Months})
	require.NoError(t, err)
	assert.Equal(t, "2026-02-28T22:59:59Z", legal.UTC().Format(time.RFC3339), "no weekend relief")
	due, legal, err = End(RuleElapsed, de, utc("2026-03-28T09:15:00Z"), Period{24, Hours})
	require.NoError(t, err)
	assert.Equal(t, "2026-03-29T08:15:00Z", due.UTC().Format(time.RFC3339))
	assert.Equal(t, "2026-03-29T09:15:00Z", legal.UTC().Format(time.RFC3339))
	_, _, err = End(RuleEU1182, de, utc("2026-03-28T09:15:00Z"), Period{0, Hours})
	require.Error(t, err)
}

// Form 8-K General Instruction B.1; Reg. S-T 232.13(a)(2) (17:30 ET).
func TestUSBusinessDays(t *testing.T) {
	us := cal(t, USFederal)
	for _, tc := range []struct {
		name       string
		from       string
		due, legal string
	}{
		{"Monday → Friday", "2026-05-11T14:00:00Z", "2026-05-15T14:00:00Z", "2026-05-15T21:30:00Z"},
		{"Juneteenth (Friday) skipped", "2026-06-15T14:00:00Z", "2026-06-22T14:00:00Z", "2026-06-22T21:30:00Z"},
		{"observed Independence Day (Friday 3 July) skipped", "2026-07-01T14:00:00Z", "2026-07-08T14:00:00Z", "2026-07-08T21:30:00Z"},
		{"B.1: Saturday event counts Monday as day 1", "2026-03-07T19:00:00Z", "2026-03-12T21:30:00Z", "2026-03-12T21:30:00Z"},
		{"DST March (US, second Sunday)", "2026-03-06T21:00:00Z", "2026-03-12T20:00:00Z", "2026-03-12T21:30:00Z"},
		{"DST November (US, first Sunday)", "2026-10-30T13:00:00Z", "2026-11-05T14:00:00Z", "2026-11-05T22:30:00Z"},
		{"determined after the cut-off: due capped at 17:30", "2026-05-11T23:00:00Z", "2026-05-15T21:30:00Z", "2026-05-15T21:30:00Z"},
		{"year end with observed New Year (31 Dec 2021)", "2021-12-28T15:00:00Z", "2022-01-04T15:00:00Z", "2022-01-04T22:30:00Z"},
		{"Thanksgiving skipped", "2026-11-23T15:00:00Z", "2026-11-30T15:00:00Z", "2026-11-30T22:30:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			due, legal, err := BusinessDays(us, utc(tc.from), 4, 17, 30)
			require.NoError(t, err)
			assert.Equal(t, tc.due, due.UTC().Format(time.RFC3339), "due")
			assert.Equal(t, tc.legal, legal.UTC().Format(time.RFC3339), "legal end")
		})
	}
	_, _, err := BusinessDays(us, utc("2035-12-28T15:00:00Z"), 4, 17, 30)
	require.ErrorIs(t, err, ErrOutOfRange, "runs into 2036")
}

// DORA RTS 2025/301 Art. 5(4).
func TestNoonNextWorkingDay(t *testing.T) {
	de := cal(t, DE)
	for _, tc := range []struct{ at, want string }{
		{"2026-05-30T08:00:00Z", "2026-06-01T10:00:00Z"}, // Saturday → Monday 12:00 CEST
		{"2026-04-03T07:00:00Z", "2026-04-07T10:00:00Z"}, // Good Friday → Tuesday after Easter Monday
		{"2026-12-24T15:00:00Z", "2026-12-24T15:00:00Z"}, // a working day stays
		{"2026-12-25T09:00:00Z", "2026-12-28T11:00:00Z"}, // Christmas → Monday 12:00 CET
	} {
		got, _, err := NoonNextWorkingDay(de, utc(tc.at))
		require.NoError(t, err)
		assert.Equal(t, tc.want, got.UTC().Format(time.RFC3339), tc.at)
	}
	_, _, err := NoonNextWorkingDay(de, utc("2036-01-05T09:00:00Z"))
	assert.True(t, errors.Is(err, ErrOutOfRange))
}

// A fifth weekday that a month does not have is no holiday (and never a
// day of the next month).
func TestNthWeekdayThatDoesNotExist(t *testing.T) {
	k, err := Compile(Calendar{Name: "X", Zone: "Europe/Berlin", From: 2026, To: 2026, Source: "test",
		Holidays: []Holiday{{Name: "fifth Monday of February", Kind: KindNthWeekday, Month: time.February, Weekday: time.Monday, N: 5}}})
	require.NoError(t, err)
	_, hol, err := k.Holiday(date("2026-03-02"))
	require.NoError(t, err)
	assert.False(t, hol, "February 2026 has four Mondays: 2 March is not its fifth")
	ds, _, err := k.Holidays(2026)
	require.NoError(t, err)
	assert.Empty(t, ds)
}

// Built-in data re-checked against the statutes (5 U.S.C. 6103(a), (b);
// the Feiertagsgesetze of the Länder and Einigungsvertrag Art. 2(2)),
// whole years, every day of the year.
func TestBuiltinHolidaysWholeYears(t *testing.T) {
	for _, tc := range []struct {
		cal  string
		year int
		want []string
	}{
		{USFederal, 2026, []string{"2026-01-01", "2026-01-19", "2026-02-16", "2026-05-25", "2026-06-19", "2026-07-03", "2026-07-04",
			"2026-09-07", "2026-10-12", "2026-11-11", "2026-11-26", "2026-12-25"}},
		// 2027: Juneteenth, Christmas on Saturdays (observed Fridays); 1 January 2028 a Saturday → Friday 31 December 2027.
		{USFederal, 2027, []string{"2027-01-01", "2027-01-18", "2027-02-15", "2027-05-31", "2027-06-18", "2027-06-19", "2027-07-04", "2027-07-05",
			"2027-09-06", "2027-10-11", "2027-11-11", "2027-11-25", "2027-12-24", "2027-12-25", "2027-12-31"}},
		// 2028: Veterans Day on a Saturday → Friday 10 November; Christmas on a Monday.
		{USFederal, 2028, []string{"2028-01-01", "2028-01-17", "2028-02-21", "2028-05-29", "2028-06-19", "2028-07-04",
			"2028-09-04", "2028-10-09", "2028-11-10", "2028-11-11", "2028-11-23", "2028-12-25"}},
		{DE, 2026, []string{"2026-01-01", "2026-04-03", "2026-04-06", "2026-05-01", "2026-05-14", "2026-05-25", "2026-10-03", "2026-12-25", "2026-12-26"}},
		{DE, 2027, []string{"2027-01-01", "2027-03-26", "2027-03-29", "2027-05-01", "2027-05-06", "2027-05-17", "2027-10-03", "2027-12-25", "2027-12-26"}},
		{FR, 2027, []string{"2027-01-01", "2027-03-29", "2027-05-01", "2027-05-06", "2027-05-08", "2027-05-17", "2027-07-14", "2027-08-15",
			"2027-11-01", "2027-11-11", "2027-12-25"}},
		{NL, 2027, []string{"2027-01-01", "2027-03-29", "2027-04-27", "2027-05-05", "2027-05-06", "2027-05-17", "2027-12-25", "2027-12-26"}},
		{IE, 2027, []string{"2027-01-01", "2027-02-01", "2027-03-17", "2027-03-29", "2027-05-03", "2027-06-07", "2027-08-02", "2027-10-25",
			"2027-12-25", "2027-12-26"}},
	} {
		ds, _, err := cal(t, tc.cal).Holidays(tc.year)
		require.NoError(t, err)
		got := make([]string, len(ds))
		for i, d := range ds {
			got[i] = d.String()
		}
		assert.Equal(t, tc.want, got, "%s %d", tc.cal, tc.year)
	}
}

// The zone table gives the results of package time, to the nanosecond
// and the zone: every quarter hour (and a second either side of every
// transition) of every built-in calendar's coverage, plus years outside
// the table.
func TestZoneTableMatchesPackageTime(t *testing.T) {
	for _, c := range Builtins() {
		k := cal(t, c.Name)
		from := time.Date(c.From-2, 1, 1, 0, 0, 0, 0, time.UTC)
		to := time.Date(c.To+3, 1, 1, 0, 0, 0, 0, time.UTC)
		check := func(u time.Time) {
			lt := u.In(k.loc)
			y, m, d := lt.Date()
			if got := k.DateOf(u); got != (Date{y, m, d}) {
				t.Fatalf("%s DateOf(%s) = %s, want %04d-%02d-%02d", c.Name, u, got, y, m, d)
			}
			hh, mm, ss := lt.Clock()
			want := time.Date(y, m, d, hh, mm, ss, 0, k.loc)
			if got := k.At(Date{y, m, d}, hh, mm, ss); got != want {
				t.Fatalf("%s At(%s) = %v, want %v", c.Name, lt, got, want)
			}
			// Wall-clock hours across a change, with a fraction of a second.
			for _, n := range []int{1, 24, 72} {
				want := time.Date(y, m, d, hh+n, mm, ss, 123, k.loc)
				day, sec := k.local(u)
				if got := k.fromLocal(int64(day)*86400+sec+int64(n)*3600, 123); got != want {
					t.Fatalf("%s %s + %d wall hours = %v, want %v", c.Name, lt, n, got, want)
				}
			}
		}
		for u := from; u.Before(to); u = u.Add(15 * time.Minute) {
			check(u)
		}
		for _, sp := range k.zt.spans {
			for _, b := range []int64{sp.start, sp.end} {
				if b > -1<<40 && b < 1<<40 {
					for _, dd := range []int64{-3601, -1, 0, 1, 3599} {
						check(time.Unix(b+dd, 0))
					}
				}
			}
		}
		// Gaps and overlaps of the local clock: At resolves them as time.Date does.
		for d := date(fmt.Sprintf("%d-01-01", c.From)); d.Year <= c.To; d = d.AddDays(1) {
			for _, hh := range []int{0, 1, 2, 3, 24} {
				for _, mm := range []int{0, 30} {
					if got, want := k.At(d, hh, mm, 0), time.Date(d.Year, d.Month, d.Day, hh, mm, 0, 0, k.loc); got != want {
						t.Fatalf("%s At(%s %02d:%02d) = %v, want %v", c.Name, d, hh, mm, got, want)
					}
				}
			}
		}
	}
}
