package triage

import (
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
)

// MaxGroupMembers caps EventGroup.Members: a burst of a million identical
// alerts is one group with a count, not a million identifiers. Count keeps
// counting past the cap.
const MaxGroupMembers = 100

// EventGroup is a run of events of the same signal: events with the same
// key, each seen within the window of the group's first or last event.
// The host keeps its groups (in memory, in its store) and hands them back
// to Group with the next batch; Group never keeps state.
type EventGroup struct {
	// Key is the signal the events share, as the host's key function gave
	// it.
	Key string `json:"key"`
	// Lead is the event that opened the group: the one a host keeps as the
	// record (the event to assess), counting the others onto it.
	Lead uuid.UUID `json:"lead"`
	// First and Last are the earliest and latest times of its events.
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
	// Count is the number of events in the group, Lead included.
	Count int64 `json:"count"`
	// Members lists the group's events in the order they joined, Lead
	// first, at most MaxGroupMembers of them.
	Members []uuid.UUID `json:"members"`
}

// Open reports whether the group can still take events at now: whether
// now is within window of its last event.
func (g *EventGroup) Open(now time.Time, window time.Duration) bool {
	return !now.After(g.Last.Add(window))
}

// covers reports whether an event at t joins the group: t lies within
// window of the group's span [First, Last], edges included.
func (g *EventGroup) covers(t time.Time, window time.Duration) bool {
	return !t.Before(g.First.Add(-window)) && !t.After(g.Last.Add(window))
}

// has reports whether the group lists id.
func (g *EventGroup) has(id uuid.UUID) bool {
	return g.Lead == id || slices.Contains(g.Members, id)
}

// Placement says where Group put one event.
type Placement struct {
	// Event is the event's ID.
	Event uuid.UUID `json:"event"`
	// Key is the key the host's function gave it; empty means the event
	// was not grouped (Group is uuid.Nil).
	Key string `json:"key"`
	// Group is the Lead of the group the event is in.
	Group uuid.UUID `json:"group"`
	// New reports that the event opened a new group; the host creates its
	// record. Otherwise the host counts it onto the group's lead.
	New bool `json:"new,omitempty"`
	// Repeat reports that the group already listed the event (a
	// redelivery); it was not counted again.
	Repeat bool `json:"repeat,omitempty"`
}

// Grouping is the result of Group.
type Grouping struct {
	// Groups are the groups still open at now: those handed in, updated,
	// in their order, then the new ones in the order they opened.
	Groups []EventGroup `json:"groups"`
	// Closed are the groups whose window ended before now, in the same
	// order: no later event can join them, so the host may finish them and
	// stop handing them in.
	Closed []EventGroup `json:"closed,omitempty"`
	// Placements say where each event went, in the order of the events
	// handed in (nil events are left out).
	Placements []Placement `json:"placements"`
}

// Group puts a batch of events into groups: an event whose key (by key)
// matches a group's and whose time lies within window of the group's span
// (from window before its first event to window after its last, edges
// included) joins that group; any other starts a new one. A burst of
// identical alerts becomes one group, with a count, whose lead the host
// assesses once.
//
// Group is pure: it reads no clock and keeps nothing. groups are the
// groups the host holds; they are not changed (the result holds copies).
// An event's time is its timeline's detected time, else reported, else
// its creation time, else now. Within the batch, events are taken in
// time order (ties in the order given), so the order of the batch matters
// only between events of the same instant; an event older than a group's
// first joins it when within window. An event that fits two groups of its key joins the
// one opened first; groups are never merged. An event a group already
// lists (by ID, among Lead and Members) is not counted again. An event
// whose key is "" is not grouped, and nil events are skipped. A nil key
// function groups nothing.
//
// now only decides which groups are closed (see EventGroup.Open); a window
// of 0 or less groups only events at the same instant.
func Group(events []*incident.Event, groups []EventGroup, window time.Duration, key func(*incident.Event) string, now time.Time) Grouping {
	window = max(window, 0)
	all := make([]EventGroup, len(groups), len(groups)+len(events))
	for i, g := range groups {
		all[i] = g
		all[i].Members = slices.Clone(g.Members)
	}
	// Take the events in time order, stably.
	type item struct {
		ev  *incident.Event
		at  time.Time
		pos int
	}
	items := make([]item, 0, len(events))
	for _, ev := range events {
		if ev == nil {
			continue
		}
		items = append(items, item{ev: ev, at: eventTime(ev, now), pos: len(items)})
	}
	order := slices.Clone(items)
	slices.SortStableFunc(order, func(a, b item) int { return a.at.Compare(b.at) })
	// byKey indexes the groups of each key, in the order they opened.
	byKey := make(map[string][]int, len(all))
	for i := range all {
		byKey[all[i].Key] = append(byKey[all[i].Key], i)
	}
	placements := make([]Placement, len(items))
	for _, it := range order {
		ev := it.ev
		pl := Placement{Event: ev.ID}
		if key != nil {
			pl.Key = key(ev)
		}
		if pl.Key == "" {
			placements[it.pos] = pl
			continue
		}
		joined := false
		for _, i := range byKey[pl.Key] {
			g := &all[i]
			if !g.covers(it.at, window) {
				continue
			}
			pl.Group = g.Lead
			if g.has(ev.ID) {
				pl.Repeat = true
			} else {
				g.Count++
				if len(g.Members) < MaxGroupMembers {
					g.Members = append(g.Members, ev.ID)
				}
				if it.at.Before(g.First) {
					g.First = it.at
				}
				if it.at.After(g.Last) {
					g.Last = it.at
				}
			}
			joined = true
			break
		}
		if !joined {
			byKey[pl.Key] = append(byKey[pl.Key], len(all))
			all = append(all, EventGroup{
				Key: pl.Key, Lead: ev.ID, First: it.at, Last: it.at, Count: 1,
				Members: []uuid.UUID{ev.ID},
			})
			pl.Group, pl.New = ev.ID, true
		}
		placements[it.pos] = pl
	}
	out := Grouping{Placements: placements}
	for _, g := range all {
		if g.Open(now, window) {
			out.Groups = append(out.Groups, g)
		} else {
			out.Closed = append(out.Closed, g)
		}
	}
	return out
}

// eventTime is when an event happened, for grouping: detected, else
// reported, else created, else now.
func eventTime(ev *incident.Event, now time.Time) time.Time {
	for _, t := range []incident.Timestamp{ev.Timeline.Detected, ev.Timeline.Reported} {
		if !t.IsZero() {
			return t.At
		}
	}
	if !ev.CreatedAt.IsZero() {
		return ev.CreatedAt
	}
	return now
}

// SignalKey is a key function for Group: events from the same source with
// the same category and title are the same signal ("ids-sensor-3",
// rsit:intrusion-attempts="ids-alert", "ET SCAN Nmap"). Events without a
// title, source or category are not grouped. The key is the three joined
// by " | ".
func SignalKey(ev *incident.Event) string {
	if ev.Title == "" && ev.Source == "" && ev.Category.IsZero() {
		return ""
	}
	return ev.Source + " | " + ev.Category.String() + " | " + ev.Title
}
