package triage_test

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/triage"
)

// A burst of identical IDS alerts becomes one group with a count; the
// host keeps the groups and hands them back with the next batch.
func ExampleGroup() {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	alert := func(n int, title string, at time.Duration) *incident.Event {
		ev := &incident.Event{}
		ev.ID = uuid.UUID{15: byte(n)}
		ev.Title, ev.Source = title, "ids-dmz-1"
		ev.Timeline.Detected = incident.At(start.Add(at))
		return ev
	}
	batch := []*incident.Event{
		alert(1, "ET SCAN Nmap", 0),
		alert(2, "ET SCAN Nmap", 30*time.Second),
		alert(3, "ET EXPLOIT log4j", time.Minute),
		alert(4, "ET SCAN Nmap", 2*time.Minute),
	}
	byTitle := func(ev *incident.Event) string { return ev.Title }
	res := triage.Group(batch, nil, 5*time.Minute, byTitle, start.Add(2*time.Minute))
	for _, g := range res.Groups {
		fmt.Printf("%s: %d events, lead %d\n", g.Key, g.Count, g.Lead[15])
	}

	// The next batch, ten minutes later: the old groups have closed.
	later := []*incident.Event{alert(5, "ET SCAN Nmap", 12*time.Minute)}
	res = triage.Group(later, res.Groups, 5*time.Minute, byTitle, start.Add(12*time.Minute))
	for _, g := range res.Closed {
		fmt.Printf("closed %s: %d events\n", g.Key, g.Count)
	}
	for _, pl := range res.Placements {
		fmt.Printf("event %d opens a new group: %v\n", pl.Event[15], pl.New)
	}
	// Output:
	// ET SCAN Nmap: 3 events, lead 1
	// ET EXPLOIT log4j: 1 events, lead 3
	// closed ET SCAN Nmap: 3 events
	// closed ET EXPLOIT log4j: 1 events
	// event 5 opens a new group: true
}
