package triage

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
)

// ev returns an event with ID n, detected at t0 plus offset, titled key.
func ev(n int, offset time.Duration, key string) *incident.Event {
	e := &incident.Event{}
	e.ID = id(n)
	e.Title = key
	e.Timeline.Detected = incident.At(t0.Add(offset))
	return e
}

func id(n int) uuid.UUID {
	var u uuid.UUID
	u[14], u[15] = byte(n>>8), byte(n)
	return u
}

func titleKey(e *incident.Event) string { return e.Title }

// summary shows groups compactly: key:lead:count:first-last offsets.
func summary(gs []EventGroup) []string {
	var out []string
	for _, g := range gs {
		out = append(out, fmt.Sprintf("%s:%d:%d:%v-%v", g.Key, int(g.Lead[14])<<8|int(g.Lead[15]), g.Count, g.First.Sub(t0), g.Last.Sub(t0)))
	}
	return out
}

func TestGroup(t *testing.T) {
	const w = 5 * time.Minute
	tests := []struct {
		name   string
		events []*incident.Event
		groups []EventGroup
		now    time.Duration // offset from t0
		open   []string
		closed []string
	}{
		{"empty", nil, nil, 0, nil, nil},
		{"one event", []*incident.Event{ev(1, 0, "a")}, nil, 0, []string{"a:1:1:0s-0s"}, nil},
		{"a burst becomes one group",
			[]*incident.Event{ev(1, 0, "a"), ev(2, time.Minute, "a"), ev(3, 2*time.Minute, "a"), ev(4, 3*time.Minute, "a")},
			nil, 3 * time.Minute, []string{"a:1:4:0s-3m0s"}, nil},
		{"the window slides with the last event",
			[]*incident.Event{ev(1, 0, "a"), ev(2, 4*time.Minute, "a"), ev(3, 8*time.Minute, "a"), ev(4, 12*time.Minute, "a")},
			nil, 12 * time.Minute, []string{"a:1:4:0s-12m0s"}, nil},
		{"exactly the window apart joins",
			[]*incident.Event{ev(1, 0, "a"), ev(2, w, "a")}, nil, w, []string{"a:1:2:0s-5m0s"}, nil},
		{"a nanosecond more starts a new group",
			[]*incident.Event{ev(1, 0, "a"), ev(2, w+1, "a")}, nil, w + 1, []string{"a:2:1:5m0.000000001s-5m0.000000001s"}, []string{"a:1:1:0s-0s"}},
		{"out of order within the batch",
			[]*incident.Event{ev(3, 8*time.Minute, "a"), ev(1, 0, "a"), ev(2, 4*time.Minute, "a")},
			nil, 8 * time.Minute, []string{"a:1:3:0s-8m0s"}, nil},
		{"a late event older than the group joins it",
			[]*incident.Event{ev(2, -4*time.Minute, "a")},
			[]EventGroup{{Key: "a", Lead: id(1), First: t0, Last: t0.Add(time.Minute), Count: 3, Members: []uuid.UUID{id(1), id(7), id(8)}}},
			time.Minute, []string{"a:1:4:-4m0s-1m0s"}, nil},
		{"a late event too old starts its own group, closed at once",
			[]*incident.Event{ev(2, -6*time.Minute, "a")},
			[]EventGroup{{Key: "a", Lead: id(1), First: t0, Last: t0, Count: 1, Members: []uuid.UUID{id(1)}}},
			0, []string{"a:1:1:0s-0s"}, []string{"a:2:1:-6m0s--6m0s"}},
		{"many keys",
			[]*incident.Event{ev(1, 0, "a"), ev(2, 0, "b"), ev(3, time.Second, "c"), ev(4, time.Minute, "b"), ev(5, 2*time.Minute, "a"), ev(6, 3*time.Minute, "b")},
			nil, 3 * time.Minute, []string{"a:1:2:0s-2m0s", "b:2:3:0s-3m0s", "c:3:1:1s-1s"}, nil},
		{"held groups come first, new ones after",
			[]*incident.Event{ev(5, 0, "z"), ev(6, 0, "a")},
			[]EventGroup{{Key: "a", Lead: id(1), First: t0, Last: t0, Count: 1, Members: []uuid.UUID{id(1)}}},
			0, []string{"a:1:2:0s-0s", "z:5:1:0s-0s"}, nil},
		{"groups past their window close",
			[]*incident.Event{ev(3, 20*time.Minute, "a")},
			[]EventGroup{
				{Key: "a", Lead: id(1), First: t0, Last: t0, Count: 1, Members: []uuid.UUID{id(1)}},
				{Key: "b", Lead: id(2), First: t0, Last: t0.Add(16 * time.Minute), Count: 9, Members: []uuid.UUID{id(2)}},
			},
			21 * time.Minute, []string{"b:2:9:0s-16m0s", "a:3:1:20m0s-20m0s"}, []string{"a:1:1:0s-0s"}},
		{"open until exactly the window after the last event",
			nil, []EventGroup{{Key: "a", Lead: id(1), First: t0, Last: t0, Count: 1}}, w, []string{"a:1:1:0s-0s"}, nil},
		{"closed a nanosecond later",
			nil, []EventGroup{{Key: "a", Lead: id(1), First: t0, Last: t0, Count: 1}}, w + 1, nil, []string{"a:1:1:0s-0s"}},
		{"an event fitting two groups joins the first opened",
			[]*incident.Event{ev(9, 5*time.Minute, "a")},
			[]EventGroup{
				{Key: "a", Lead: id(1), First: t0, Last: t0, Count: 1},
				{Key: "a", Lead: id(2), First: t0.Add(10 * time.Minute), Last: t0.Add(10 * time.Minute), Count: 1},
			},
			5 * time.Minute, []string{"a:1:2:0s-5m0s", "a:2:1:10m0s-10m0s"}, nil},
		{"redelivered events are not counted again",
			[]*incident.Event{ev(1, 0, "a"), ev(2, time.Minute, "a"), ev(2, time.Minute, "a")},
			[]EventGroup{{Key: "a", Lead: id(1), First: t0, Last: t0, Count: 1, Members: []uuid.UUID{id(1)}}},
			time.Minute, []string{"a:1:2:0s-1m0s"}, nil},
		{"empty key is not grouped",
			[]*incident.Event{ev(1, 0, ""), ev(2, 0, "")}, nil, 0, nil, nil},
		{"nil events are skipped",
			[]*incident.Event{nil, ev(1, 0, "a"), nil}, nil, 0, []string{"a:1:1:0s-0s"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			held := slices.Clone(tt.groups)
			for i := range held {
				held[i].Members = slices.Clone(tt.groups[i].Members)
			}
			res := Group(tt.events, tt.groups, w, titleKey, t0.Add(tt.now))
			if got := summary(res.Groups); !slices.Equal(got, tt.open) {
				t.Errorf("open groups %q, want %q", got, tt.open)
			}
			if got := summary(res.Closed); !slices.Equal(got, tt.closed) {
				t.Errorf("closed groups %q, want %q", got, tt.closed)
			}
			if !reflect.DeepEqual(held, tt.groups) {
				t.Error("Group changed the groups handed in")
			}
			n := 0
			for _, e := range tt.events {
				if e != nil {
					n++
				}
			}
			if len(res.Placements) != n {
				t.Errorf("%d placements for %d events", len(res.Placements), n)
			}
		})
	}
}

func TestGroupPlacements(t *testing.T) {
	held := []EventGroup{{Key: "a", Lead: id(1), First: t0, Last: t0, Count: 1, Members: []uuid.UUID{id(1)}}}
	events := []*incident.Event{ev(3, 2*time.Minute, "b"), ev(2, time.Minute, "a"), ev(1, 0, "a"), ev(4, 0, "")}
	res := Group(events, held, time.Minute, titleKey, t0)
	want := []Placement{
		{Event: id(3), Key: "b", Group: id(3), New: true},
		{Event: id(2), Key: "a", Group: id(1)},
		{Event: id(1), Key: "a", Group: id(1), Repeat: true},
		{Event: id(4)},
	}
	if !reflect.DeepEqual(res.Placements, want) {
		t.Errorf("placements\n%+v\nwant\n%+v", res.Placements, want)
	}
	g := res.Groups[0]
	if g.Count != 2 || !slices.Equal(g.Members, []uuid.UUID{id(1), id(2)}) {
		t.Errorf("group %+v", g)
	}
}

func TestGroupCapsMembers(t *testing.T) {
	var events []*incident.Event
	for i := range MaxGroupMembers + 50 {
		events = append(events, ev(i+1, time.Duration(i)*time.Second, "burst"))
	}
	res := Group(events, nil, time.Minute, titleKey, t0)
	if len(res.Groups) != 1 {
		t.Fatalf("%d groups", len(res.Groups))
	}
	g := res.Groups[0]
	if g.Count != int64(MaxGroupMembers+50) || len(g.Members) != MaxGroupMembers || g.Members[0] != id(1) || g.Lead != id(1) {
		t.Errorf("count %d, %d members, first %v", g.Count, len(g.Members), g.Members[0])
	}
	// Feeding the result back keeps counting.
	res = Group([]*incident.Event{ev(9999, 200*time.Second, "burst")}, res.Groups, time.Minute, titleKey, t0)
	if g := res.Groups[0]; g.Count != int64(MaxGroupMembers+51) || len(g.Members) != MaxGroupMembers {
		t.Errorf("after another batch: count %d, %d members", g.Count, len(g.Members))
	}
}

// TestGroupOrderIndependent checks that shuffling a batch does not change
// the groups.
func TestGroupOrderIndependent(t *testing.T) {
	var events []*incident.Event
	keys := []string{"a", "b", "c", "d"}
	for i := range 60 {
		events = append(events, ev(i+1, time.Duration(i*i%97)*time.Minute, keys[i%len(keys)]))
	}
	want := Group(events, nil, 10*time.Minute, titleKey, t0.Add(2*time.Hour))
	rev := slices.Clone(events)
	slices.Reverse(rev)
	got := Group(rev, nil, 10*time.Minute, titleKey, t0.Add(2*time.Hour))
	if !reflect.DeepEqual(summary(got.Groups), summary(want.Groups)) || !reflect.DeepEqual(summary(got.Closed), summary(want.Closed)) {
		t.Errorf("reversed batch groups differently:\n%q\n%q", summary(got.Groups), summary(want.Groups))
	}
}

func TestGroupEventTime(t *testing.T) {
	e := &incident.Event{}
	e.ID = id(1)
	e.Title = "a"
	now := t0.Add(time.Hour)
	if got := Group([]*incident.Event{e}, nil, 0, titleKey, now).Groups[0].First; !got.Equal(now) {
		t.Errorf("no time: %v, want now", got)
	}
	e.CreatedAt = t0
	if got := Group([]*incident.Event{e}, nil, time.Hour, titleKey, now).Groups[0].First; !got.Equal(t0) {
		t.Errorf("created: %v", got)
	}
	e.Timeline.Reported = incident.At(t0.Add(time.Minute))
	if got := Group([]*incident.Event{e}, nil, time.Hour, titleKey, now).Groups[0].First; !got.Equal(t0.Add(time.Minute)) {
		t.Errorf("reported: %v", got)
	}
	e.Timeline.Detected = incident.At(t0.Add(2 * time.Minute))
	if got := Group([]*incident.Event{e}, nil, time.Hour, titleKey, now).Groups[0].First; !got.Equal(t0.Add(2 * time.Minute)) {
		t.Errorf("detected: %v", got)
	}
}

func TestGroupWithoutKeyOrWindow(t *testing.T) {
	events := []*incident.Event{ev(1, 0, "a"), ev(2, 0, "a"), ev(3, 1, "a")}
	if res := Group(events, nil, time.Hour, nil, t0); len(res.Groups) != 0 || len(res.Placements) != 3 {
		t.Errorf("nil key: %+v", res)
	}
	res := Group(events, nil, -time.Hour, titleKey, t0)
	if got := summary(res.Groups); !slices.Equal(got, []string{"a:1:2:0s-0s", "a:3:1:1ns-1ns"}) || len(res.Closed) != 0 {
		t.Errorf("no window: open %q closed %q", got, summary(res.Closed))
	}
}

func TestSignalKey(t *testing.T) {
	e := &incident.Event{}
	if SignalKey(e) != "" {
		t.Error("empty event has a key")
	}
	e.Source = "ids-3"
	e.Title = "ET SCAN Nmap"
	e.Category = incident.Category{Class: "intrusion-attempts", Type: "ids-alert"}
	if got, want := SignalKey(e), `ids-3 | rsit:intrusion-attempts="ids-alert" | ET SCAN Nmap`; got != want {
		t.Errorf("SignalKey = %q, want %q", got, want)
	}
}

func TestEventGroupOpen(t *testing.T) {
	g := EventGroup{First: t0, Last: t0.Add(time.Minute)}
	if !g.Open(t0.Add(2*time.Minute), time.Minute) || g.Open(t0.Add(2*time.Minute+1), time.Minute) {
		t.Error("Open edges")
	}
}

// BenchmarkGroup groups a batch of 1 000 alerts of 50 signals into the
// groups a host holds.
func BenchmarkGroup(b *testing.B) {
	keys := make([]string, 50)
	for i := range keys {
		keys[i] = fmt.Sprintf("signature-%d", i)
	}
	var events []*incident.Event
	for i := range 1000 {
		events = append(events, ev(i+1, time.Duration(i)*time.Second, keys[i*7%len(keys)]))
	}
	held := Group(events[:500], nil, 5*time.Minute, titleKey, t0.Add(500*time.Second)).Groups
	b.ReportAllocs()
	for b.Loop() {
		Group(events[500:], held, 5*time.Minute, titleKey, t0.Add(time.Hour))
	}
}
