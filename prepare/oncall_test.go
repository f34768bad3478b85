package prepare

import (
	"errors"
	"testing"
	"time"

	"github.com/iso27035/iso27035/incident"
)

func TestResolveLocal(t *testing.T) {
	loc := mustZone("Europe/Berlin")
	for _, tc := range []struct {
		name      string
		y         int
		m         time.Month
		d, hh, mm int
		want      string
	}{
		{"ordinary winter", 2026, 1, 15, 9, 0, "2026-01-15T08:00:00Z"},
		{"ordinary summer", 2026, 7, 15, 9, 0, "2026-07-15T07:00:00Z"},
		{"gap 02:30 spring", 2026, 3, 29, 2, 30, "2026-03-29T01:00:00Z"},
		{"gap 02:00 spring", 2026, 3, 29, 2, 0, "2026-03-29T01:00:00Z"},
		{"before gap", 2026, 3, 29, 1, 59, "2026-03-29T00:59:00Z"},
		{"after gap", 2026, 3, 29, 3, 0, "2026-03-29T01:00:00Z"},
		{"ambiguous 02:30 autumn: first", 2026, 10, 25, 2, 30, "2026-10-25T00:30:00Z"},
		{"ambiguous 02:00 autumn: first", 2026, 10, 25, 2, 0, "2026-10-25T00:00:00Z"},
		{"after fold", 2026, 10, 25, 3, 0, "2026-10-25T02:00:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ResolveLocal(tc.y, tc.m, tc.d, tc.hh, tc.mm, loc)
			if s := got.UTC().Format(time.RFC3339); s != tc.want {
				t.Errorf("ResolveLocal = %s, want %s", s, tc.want)
			}
		})
	}
}

func mustZone(name string) *time.Location {
	r := Rotation{Name: "x", Zone: name, Start: "2026-01-01", Handover: "09:00", ShiftDays: 1, Order: []incident.ActorID{"a"}}
	c, err := r.compile()
	if err != nil {
		panic(err)
	}
	return c.loc
}

// dstRotation hands over daily at 02:30 Berlin time, alice and bob
// alternating from 2026-03-01 (alice).
func dstRotation() *Rotation {
	return &Rotation{Name: "irt-primary", Team: "irt", Zone: "Europe/Berlin", Start: "2026-03-01",
		Handover: "02:30", ShiftDays: 1, Order: []incident.ActorID{"alice", "bob"}}
}

func TestWhoIsOnCallDST(t *testing.T) {
	// 2026-03-29 is day 28 after 2026-03-01: alice's turn (even) starts
	// at the hand-over; 2026-10-25 is day 238: alice's turn too.
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	r := dstRotation()
	for _, tc := range []struct {
		name string
		at   string
		want incident.ActorID
		from string
	}{
		{"spring: 01:59 CET, before the gap", "2026-03-29T00:59:00Z", "bob", "2026-03-28T01:30:00Z"},
		{"spring: 03:00 CEST, the non-existent 02:30 hand-over", "2026-03-29T01:00:00Z", "alice", "2026-03-29T01:00:00Z"},
		{"spring: 03:30 CEST", "2026-03-29T01:30:00Z", "alice", "2026-03-29T01:00:00Z"},
		{"spring: next day 02:29 CEST", "2026-03-30T00:29:00Z", "alice", "2026-03-29T01:00:00Z"},
		{"spring: next day 02:30 CEST", "2026-03-30T00:30:00Z", "bob", "2026-03-30T00:30:00Z"},
		{"autumn: 02:29 CEST", "2026-10-25T00:29:00Z", "bob", "2026-10-24T00:30:00Z"},
		{"autumn: 02:30 CEST, first occurrence hands over", "2026-10-25T00:30:00Z", "alice", "2026-10-25T00:30:00Z"},
		{"autumn: 02:30 CET, second occurrence does not", "2026-10-25T01:30:00Z", "alice", "2026-10-25T00:30:00Z"},
		{"autumn: next day 02:30 CET", "2026-10-26T01:30:00Z", "bob", "2026-10-26T01:30:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := r.ShiftAt(utc(tc.at))
			if err != nil {
				t.Fatal(err)
			}
			if s.Member != tc.want || !s.Start.Equal(utc(tc.from)) {
				t.Errorf("ShiftAt(%s) = %s from %s, want %s from %s", tc.at, s.Member, s.Start.UTC().Format(time.RFC3339), tc.want, tc.from)
			}
			who, err := WhoIsOnCall(r, utc(tc.at))
			if err != nil || who != tc.want {
				t.Errorf("WhoIsOnCall = %q, %v", who, err)
			}
		})
	}
}

func TestWhoIsOnCallOverridesAndErrors(t *testing.T) {
	r := dstRotation()
	r.Overrides = []Override{{Member: "carol", From: "2026-03-29T02:30", Until: "2026-03-29T12:00"}}
	who, err := WhoIsOnCall(r, time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC))
	if err != nil || who != "carol" {
		t.Errorf("override at 03:00 CEST: %q, %v", who, err)
	}
	who, err = WhoIsOnCall(r, time.Date(2026, 3, 29, 10, 0, 0, 0, time.UTC))
	if err != nil || who != "alice" {
		t.Errorf("after override: %q, %v", who, err)
	}
	if _, err := WhoIsOnCall(r, time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)); !errors.Is(err, ErrNoOnCall) {
		t.Errorf("before start: %v", err)
	}
	bad := []Rotation{
		{Name: "z", Zone: "Mars/Olympus", Start: "2026-01-01", Handover: "09:00", ShiftDays: 1, Order: []incident.ActorID{"a"}},
		{Name: "d", Zone: "UTC", Start: "2026-13-01", Handover: "09:00", ShiftDays: 1, Order: []incident.ActorID{"a"}},
		{Name: "h", Zone: "UTC", Start: "2026-01-01", Handover: "9:00", ShiftDays: 1, Order: []incident.ActorID{"a"}},
		{Name: "s", Zone: "UTC", Start: "2026-01-01", Handover: "09:00", ShiftDays: 0, Order: []incident.ActorID{"a"}},
		{Name: "o", Zone: "UTC", Start: "2026-01-01", Handover: "09:00", ShiftDays: 1},
		{Name: "v", Zone: "UTC", Start: "2026-01-01", Handover: "09:00", ShiftDays: 1, Order: []incident.ActorID{"a"},
			Overrides: []Override{{Member: "b", From: "2026-01-02T10:00", Until: "2026-01-02T09:00"}}},
	}
	for _, b := range bad {
		if err := b.Validate(); !errors.Is(err, ErrInvalid) {
			t.Errorf("rotation %q: Validate = %v, want ErrInvalid", b.Name, err)
		}
	}
}

func TestWeeklyAcrossZones(t *testing.T) {
	r := &Rotation{Name: "us", Team: "irt", Zone: "America/New_York", Start: "2026-01-05", Handover: "09:00",
		ShiftDays: 7, Order: []incident.ActorID{"dave", "erin", "frank"}}
	for _, tc := range []struct {
		at   time.Time
		want incident.ActorID
	}{
		{time.Date(2026, 1, 5, 14, 0, 0, 0, time.UTC), "dave"},   // 09:00 EST
		{time.Date(2026, 1, 12, 13, 59, 0, 0, time.UTC), "dave"}, // 08:59 EST
		{time.Date(2026, 1, 12, 14, 0, 0, 0, time.UTC), "erin"},
		{time.Date(2026, 1, 26, 14, 0, 0, 0, time.UTC), "dave"},
		{time.Date(2026, 3, 9, 13, 0, 0, 0, time.UTC), "dave"},   // 09:00 EDT, after the US change on 03-08
		{time.Date(2026, 3, 9, 12, 59, 0, 0, time.UTC), "frank"}, // 08:59 EDT
	} {
		who, err := WhoIsOnCall(r, tc.at)
		if err != nil || who != tc.want {
			t.Errorf("at %s: %q, %v; want %q", tc.at, who, err, tc.want)
		}
	}
}

func TestTeamValidate(t *testing.T) {
	ok := Team{Name: "irt", Kind: TeamIRT, Members: []Member{{ID: "a", Deputy: "b"}, {ID: "b", Deputy: "a"}}}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, b := range []Team{
		{Kind: TeamIRT, Members: []Member{{ID: "a"}}},
		{Name: "x", Kind: "soc", Members: []Member{{ID: "a"}}},
		{Name: "x", Kind: TeamIMT},
		{Name: "x", Kind: TeamIMT, Members: []Member{{ID: "a"}, {ID: "a"}}},
		{Name: "x", Kind: TeamIMT, Members: []Member{{ID: "a", Deputy: "z"}}},
		{Name: "x", Kind: TeamIMT, Members: []Member{{ID: "a", Deputy: "a"}}},
		{Name: "x", Kind: TeamIMT, Members: []Member{{}}},
	} {
		if err := b.Validate(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: %v", b, err)
		}
	}
}
