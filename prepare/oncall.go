package prepare

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/internal/calendar"
)

// ErrInvalid is wrapped by every error about preparation data that cannot
// be used: a malformed rotation, an unknown member, a document that does
// not parse.
var ErrInvalid = errors.New("prepare: invalid")

// ErrNoOnCall reports a lookup no rotation or rule answers: a time before
// a rotation starts, or an incident no paging rule covers.
var ErrNoOnCall = errors.New("prepare: nobody on call")

// TeamKind says whether a team manages incidents or responds to them.
type TeamKind string

// The team kinds of 27035-2:2023 clause 7.
const (
	// TeamIMT is the incident management team (27035-2 7.2).
	TeamIMT TeamKind = "imt"
	// TeamIRT is an incident response team (27035-2 7.3).
	TeamIRT TeamKind = "irt"
)

// Valid reports whether k is a known kind.
func (k TeamKind) Valid() bool { return k == TeamIMT || k == TeamIRT }

// Member is a person on a team.
type Member struct {
	// ID is the person's actor ID, as tasks and records name them.
	ID incident.ActorID `json:"id"`
	// Name is the display name.
	Name string `json:"name,omitempty"`
	// Roles are the incident-management roles the person holds.
	Roles []incident.Role `json:"roles,omitempty"`
	// Deputy is the member standing in when this one is unavailable.
	Deputy incident.ActorID `json:"deputy,omitempty"`
	// Skills are free-form competencies (27035-2 7.3.3), e.g. "forensics".
	Skills []string `json:"skills,omitempty"`
}

// Team is an incident management team or an incident response team.
type Team struct {
	// Name identifies the team.
	Name string `json:"name"`
	// Kind is TeamIMT or TeamIRT.
	Kind TeamKind `json:"kind"`
	// Members are the team's people.
	Members []Member `json:"members"`
}

// Member returns the member with the given ID.
func (t *Team) Member(id incident.ActorID) (Member, bool) {
	i := slices.IndexFunc(t.Members, func(m Member) bool { return m.ID == id })
	if i < 0 {
		return Member{}, false
	}
	return t.Members[i], true
}

// Validate checks the team: a name, a known kind, at least one member,
// unique member IDs, and deputies that are other members of the team.
func (t *Team) Validate() error {
	var errs []error
	if t.Name == "" {
		errs = append(errs, fmt.Errorf("%w: team needs a name", ErrInvalid))
	}
	if !t.Kind.Valid() {
		errs = append(errs, fmt.Errorf("%w: team %q: kind %q is not imt or irt", ErrInvalid, t.Name, t.Kind))
	}
	if len(t.Members) == 0 {
		errs = append(errs, fmt.Errorf("%w: team %q has no members", ErrInvalid, t.Name))
	}
	seen := map[incident.ActorID]bool{}
	for i, m := range t.Members {
		if m.ID == "" {
			errs = append(errs, fmt.Errorf("%w: team %q members[%d] needs an id", ErrInvalid, t.Name, i))
		}
		if seen[m.ID] {
			errs = append(errs, fmt.Errorf("%w: team %q: member %q listed twice", ErrInvalid, t.Name, m.ID))
		}
		seen[m.ID] = true
	}
	for _, m := range t.Members {
		if m.Deputy == "" {
			continue
		}
		if m.Deputy == m.ID || !seen[m.Deputy] {
			errs = append(errs, fmt.Errorf("%w: team %q: deputy %q of %q is not another member", ErrInvalid, t.Name, m.Deputy, m.ID))
		}
	}
	return errors.Join(errs...)
}

// Override puts a member on call for a stretch of local time, taking
// precedence over the rotation's order (a swap, a holiday cover).
type Override struct {
	// Member is on call from From until Until.
	Member incident.ActorID `json:"member"`
	// From and Until are local times in the rotation's zone, written
	// "2006-01-02T15:04"; they resolve as ResolveLocal says.
	From  string `json:"from"`
	Until string `json:"until"`
}

// Rotation is an on-call rotation: the members of Order take turns of
// ShiftDays calendar days each, handing over at Handover local time in
// Zone, the first turn starting on Start.
type Rotation struct {
	// Name identifies the rotation; paging rules name it.
	Name string `json:"name"`
	// Team is the team the members belong to.
	Team string `json:"team"`
	// Zone is the IANA zone of the hand-overs; it must be one embedded
	// in the module (internal/calendar), e.g. "Europe/Berlin".
	Zone string `json:"zone"`
	// Start is the local date of the first hand-over, "2006-01-02".
	Start string `json:"start"`
	// Handover is the local time of each hand-over, "15:04".
	Handover string `json:"handover"`
	// ShiftDays is the length of a turn in calendar days (7: weekly).
	ShiftDays int `json:"shift_days"`
	// Order lists the members in turn order.
	Order []incident.ActorID `json:"order"`
	// Overrides replace the order for stretches of time; the first
	// override covering an instant wins.
	Overrides []Override `json:"overrides,omitempty"`
}

// Shift is one stretch of on-call duty.
type Shift struct {
	// Member is on call from Start (inclusive) to End (exclusive).
	Member incident.ActorID
	Start  time.Time
	End    time.Time
}

// rotation is a Rotation checked and resolved.
type rotation struct {
	loc        *time.Location
	start      time.Time // civil date, UTC midnight
	hour, min  int
	overrides  []Shift
	shiftDays  int
	order      []incident.ActorID
	rotationID string
}

// Validate checks the rotation: a known zone, a start date, a hand-over
// time, a positive shift length, at least one member and well-formed
// overrides.
func (r *Rotation) Validate() error {
	_, err := r.compile()
	return err
}

func (r *Rotation) compile() (rotation, error) {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: rotation %q: %s", ErrInvalid, r.Name, fmt.Sprintf(format, a...)))
	}
	c := rotation{shiftDays: r.ShiftDays, order: r.Order, rotationID: r.Name}
	if r.Name == "" {
		bad("needs a name")
	}
	loc, err := calendar.Location(r.Zone)
	if err != nil {
		bad("zone %q is not embedded (see internal/calendar Zones)", r.Zone)
	}
	c.loc = loc
	start, err := time.Parse(time.DateOnly, r.Start)
	if err != nil {
		bad("start %q is not a date YYYY-MM-DD", r.Start)
	}
	c.start = start
	c.hour, c.min, err = parseClock(r.Handover)
	if err != nil {
		bad("handover %q is not a time HH:MM", r.Handover)
	}
	if r.ShiftDays <= 0 {
		bad("shift_days must be positive, not %d", r.ShiftDays)
	}
	if len(r.Order) == 0 {
		bad("order lists no members")
	}
	if loc != nil && len(r.Overrides) > 0 {
		c.overrides = make([]Shift, 0, len(r.Overrides))
	}
	for i, o := range r.Overrides {
		if loc == nil {
			break
		}
		from, err1 := parseLocal(o.From, loc)
		until, err2 := parseLocal(o.Until, loc)
		switch {
		case o.Member == "":
			bad("overrides[%d] needs a member", i)
		case err1 != nil || err2 != nil:
			bad("overrides[%d]: from and until are local times YYYY-MM-DDTHH:MM", i)
		case !until.After(from):
			bad("overrides[%d]: until must be after from", i)
		default:
			c.overrides = append(c.overrides, Shift{Member: o.Member, Start: from, End: until})
		}
	}
	if len(errs) > 0 {
		return rotation{}, errors.Join(errs...)
	}
	return c, nil
}

// parseClock reads "15:04".
func parseClock(s string) (h, m int, err error) {
	hs, ms, ok := strings.Cut(s, ":")
	if !ok || len(hs) != 2 || len(ms) != 2 {
		return 0, 0, fmt.Errorf("%w: %q is not HH:MM", ErrInvalid, s)
	}
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, 0, fmt.Errorf("%w: %q is not HH:MM", ErrInvalid, s)
	}
	return h, m, nil
}

// parseLocal reads "2006-01-02T15:04" as a local time in loc.
func parseLocal(s string, loc *time.Location) (time.Time, error) {
	w, err := time.Parse("2006-01-02T15:04", s)
	if err != nil {
		return time.Time{}, err
	}
	return ResolveLocal(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), loc), nil
}

// ResolveLocal returns the instant of the local wall-clock time
// y-m-d hh:mm in loc, deterministically at daylight saving changes:
//
//   - a local time that does not exist (skipped when the clocks go
//     forward) resolves to the first instant after the gap, the moment
//     of the change: 2026-03-29 02:30 Europe/Berlin is 03:00 CEST;
//   - a local time that occurs twice (repeated when the clocks go back)
//     resolves to its first occurrence: 2026-10-25 02:30 Europe/Berlin
//     is 02:30 CEST (00:30 UTC), not 02:30 CET.
//
// time.Date leaves both cases unspecified; ResolveLocal does not. It
// assumes at most one offset change within two days of the time, which
// holds for every real zone.
func ResolveLocal(y int, m time.Month, d, hh, mm int, loc *time.Location) time.Time {
	wall := time.Date(y, m, d, hh, mm, 0, 0, time.UTC)
	_, before := wall.Add(-48 * time.Hour).In(loc).Zone()
	_, after := wall.Add(48 * time.Hour).In(loc).Zone()
	var best time.Time
	for _, off := range []int{before, after} {
		t := wall.Add(-time.Duration(off) * time.Second)
		if sameWall(t.In(loc), wall) && (best.IsZero() || t.Before(best)) {
			best = t
		}
	}
	if !best.IsZero() {
		return best.In(loc)
	}
	// In a gap: read with the offset before the change, the wall time
	// lands after the change; the change is where that zone period starts.
	t := wall.Add(-time.Duration(before) * time.Second).In(loc)
	start, _ := t.ZoneBounds()
	return start.In(loc)
}

func sameWall(t, wall time.Time) bool {
	y, m, d := t.Date()
	hh, mm, ss := t.Clock()
	wy, wm, wd := wall.Date()
	whh, wmm, wss := wall.Clock()
	return y == wy && m == wm && d == wd && hh == whh && mm == wmm && ss == wss
}

// handover returns the instant of the k-th hand-over.
func (c *rotation) handover(k int) time.Time {
	d := c.start.AddDate(0, 0, k*c.shiftDays)
	return ResolveLocal(d.Year(), d.Month(), d.Day(), c.hour, c.min, c.loc)
}

// shiftAt returns the regular (non-override) shift covering at.
func (c *rotation) shiftAt(at time.Time) (Shift, error) {
	lt := at.In(c.loc)
	civil := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, time.UTC)
	days := int(civil.Sub(c.start).Hours() / 24)
	k := days / c.shiftDays
	if days < 0 {
		k = -((-days + c.shiftDays - 1) / c.shiftDays)
	}
	for c.handover(k).After(at) {
		k--
	}
	for !c.handover(k + 1).After(at) {
		k++
	}
	if k < 0 {
		return Shift{}, fmt.Errorf("%w: rotation %q starts at %s, after %s", ErrNoOnCall, c.rotationID,
			c.handover(0).Format(time.RFC3339), at.Format(time.RFC3339))
	}
	return Shift{Member: c.order[k%len(c.order)], Start: c.handover(k), End: c.handover(k + 1)}, nil
}

// ShiftAt returns the shift covering at: an override's, or else the
// regular turn's. The shift's times are in the rotation's zone.
func (r *Rotation) ShiftAt(at time.Time) (Shift, error) {
	c, err := r.compile()
	if err != nil {
		return Shift{}, err
	}
	for _, o := range c.overrides {
		if !at.Before(o.Start) && at.Before(o.End) {
			return o, nil
		}
	}
	return c.shiftAt(at)
}

// WhoIsOnCall returns the member of rotation on call at the instant at.
// Hand-overs at local times that do not exist or occur twice resolve as
// ResolveLocal documents. ErrNoOnCall before the rotation's first
// hand-over.
func WhoIsOnCall(rotation *Rotation, at time.Time) (incident.ActorID, error) {
	s, err := rotation.ShiftAt(at)
	if err != nil {
		return "", err
	}
	return s.Member, nil
}
