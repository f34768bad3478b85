package calendar

import (
	"math"
	"time"
)

// zoneSpan is one period of a zone with a constant UTC offset: Unix
// seconds [start, end).
type zoneSpan struct {
	start, end, off int64
}

// zoneTable is a calendar's zone as a table of its offsets over the
// covered years (one year either side), built once in Compile with
// time.Time.ZoneBounds, so that the hot paths (DateOf, At, End) need no
// zone lookup of package time. Outside the table they fall back to
// package time. The results are those of package time to the second:
// TestZoneTableMatchesPackageTime checks every quarter hour of the
// coverage of every built-in calendar.
type zoneTable struct {
	spans []zoneSpan
}

func newZoneTable(loc *time.Location, from, to int) zoneTable {
	var z zoneTable
	t := time.Date(from-1, time.January, 1, 0, 0, 0, 0, loc)
	stop := time.Date(to+2, time.January, 1, 0, 0, 0, 0, loc).Unix()
	for t.Unix() < stop {
		s, e := t.ZoneBounds()
		_, off := t.Zone()
		sp := zoneSpan{start: math.MinInt64, end: math.MaxInt64, off: int64(off)}
		if !s.IsZero() {
			sp.start = s.Unix()
		}
		if !e.IsZero() {
			sp.end = e.Unix()
		}
		z.spans = append(z.spans, sp)
		if e.IsZero() {
			break
		}
		t = e
	}
	return z
}

// span returns the span holding the instant unix.
func (z *zoneTable) span(unix int64) (zoneSpan, bool) {
	lo, hi := 0, len(z.spans)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		switch sp := z.spans[m]; {
		case unix < sp.start:
			hi = m
		case unix >= sp.end:
			lo = m + 1
		default:
			return sp, true
		}
	}
	return zoneSpan{}, false
}

// local returns the local day number (days since 1970-01-01) and second
// of the day of t.
func (k *Compiled) local(t time.Time) (day int, sec int64) {
	u := t.Unix()
	sp, ok := k.zt.span(u)
	if !ok {
		lt := t.In(k.loc)
		y, m, d := lt.Date()
		hh, mm, ss := lt.Clock()
		return Date{y, m, d}.days(), int64(hh*3600 + mm*60 + ss)
	}
	l := u + sp.off
	day = int(floorDiv(l, 86400))
	return day, l - int64(day)*86400
}

// fromLocal returns the instant of local second l (seconds since
// 1970-01-01 00:00 local) plus nsec, resolving a gap or an overlap the
// way time.Date does.
func (k *Compiled) fromLocal(l int64, nsec int) time.Time {
	sp, ok := k.zt.span(l)
	off := sp.off
	if ok && off != 0 {
		if utc := l - off; utc < sp.start || utc >= sp.end {
			sp, ok = k.zt.span(utc)
			off = sp.off
		}
	}
	if !ok { // outside the table: package time
		day := floorDiv(l, 86400)
		d, s := fromDays(int(day)), l-day*86400
		return time.Date(d.Year, d.Month, d.Day, int(s/3600), int(s%3600/60), int(s%60), nsec, k.loc)
	}
	return time.Unix(l-off, int64(nsec)).In(k.loc)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
