package clocks

import (
	"slices"
	"sync"
	"sync/atomic"
)

// compiledProfile is a compiled profile kept with a deep copy of the
// profile it was compiled from.
type compiledProfile struct {
	p Profile
	c *Computer
}

// maxCachedProfiles bounds the cache: a host has one profile, or a few.
const maxCachedProfiles = 8

var (
	// profileCache is an immutable snapshot, most recently added first;
	// readers load it without a lock, writers replace it under cacheMu.
	profileCache atomic.Pointer[[]compiledProfile]
	cacheMu      sync.Mutex
)

// compiledCached returns the Computer of p, compiling it on a miss. A
// profile that does not compile is not cached.
func compiledCached(p *Profile) (*Computer, error) {
	if cs := profileCache.Load(); cs != nil {
		for i := range *cs {
			if e := &(*cs)[i]; equalProfile(&e.p, p) {
				return e.c, nil
			}
		}
	}
	c, err := compile(p)
	if err != nil {
		return nil, err
	}
	cacheMu.Lock()
	defer cacheMu.Unlock()
	var old []compiledProfile
	if cs := profileCache.Load(); cs != nil {
		old = *cs
	}
	next := make([]compiledProfile, 0, min(len(old)+1, maxCachedProfiles))
	next = append(next, compiledProfile{p: cloneProfile(p), c: c})
	for _, e := range old {
		if len(next) == maxCachedProfiles {
			break
		}
		if !equalProfile(&e.p, p) {
			next = append(next, e)
		}
	}
	profileCache.Store(&next)
	return c, nil
}

// ptrEqual reports whether two optional regimes are both absent or hold
// equal values.
func ptrEqual[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func equalProfile(a, b *Profile) bool {
	return a.Name == b.Name && ptrEqual(a.GDPR, b.GDPR) && ptrEqual(a.NIS2, b.NIS2) && ptrEqual(a.DORA, b.DORA) &&
		ptrEqual(a.CRA, b.CRA) && ptrEqual(a.SEC, b.SEC) && ptrEqual(a.HIPAA, b.HIPAA) && ptrEqual(a.CIRCIA, b.CIRCIA) &&
		slices.Equal(a.Custom, b.Custom) && slices.EqualFunc(a.Calendars, b.Calendars, equalCalendar)
}

func equalCalendar(a, b Calendar) bool {
	return a.Name == b.Name && a.Zone == b.Zone && a.From == b.From && a.To == b.To && a.Source == b.Source && a.Scope == b.Scope &&
		slices.Equal(a.Holidays, b.Holidays) && slices.Equal(a.OneOffs, b.OneOffs)
}

// cloneProfile returns a deep copy of p that shares no pointer or slice
// with it.
func cloneProfile(p *Profile) Profile {
	q := *p
	q.GDPR, q.NIS2, q.DORA, q.CRA = clonePtr(p.GDPR), clonePtr(p.NIS2), clonePtr(p.DORA), clonePtr(p.CRA)
	q.SEC, q.HIPAA, q.CIRCIA = clonePtr(p.SEC), clonePtr(p.HIPAA), clonePtr(p.CIRCIA)
	q.Custom = slices.Clone(p.Custom)
	q.Calendars = slices.Clone(p.Calendars)
	for i := range q.Calendars {
		q.Calendars[i].Holidays = slices.Clone(q.Calendars[i].Holidays)
		q.Calendars[i].OneOffs = slices.Clone(q.Calendars[i].OneOffs)
	}
	return q
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
