// Package calendar is the calendar arithmetic of the regulatory clocks:
// time zones embedded as data, public-holiday calendars as data with a
// declared coverage range, Easter (computus) for the movable feasts,
// working-day arithmetic and the counting rules deadlines are computed
// under (Regulation (EEC, Euratom) No 1182/71 Art. 3 for EU acts, US
// federal business days for the SEC).
//
// # Zones
//
// The zoneinfo files of the zones the clocks need are embedded (copied
// from the IANA tz database, version in zoneinfo/VERSION) and loaded with
// time.LoadLocationFromTZData, so every host computes the same deadline
// and the package does no file I/O. It does not import time/tzdata, which
// is a fallback for a program's main package, not for a library.
//
// # Calendars
//
// A Calendar is data: rules (fixed dates, n-th weekdays, offsets from
// Easter Sunday, US "observed" shifts) and one-off dates, valid for the
// years From to To inclusive. Asking about a date outside that range is a
// *RangeError matching ErrOutOfRange, never "no holiday": a deadline
// computed against a calendar that does not know the year could be wrong
// by days. Hosts add or replace calendars with Set.With.
//
// # Instants
//
// "End of a day" is represented by 23:59:59 local time of that day: the
// last whole second the law still accepts (Art. 3(2)(b) of 1182/71 ends
// the period "with the expiry of the last hour", that is 24:00). A report
// made in the final second is thereby treated as late: the clocks err
// early by at most one second, never late, and whole seconds survive a
// round trip through every store.
package calendar
