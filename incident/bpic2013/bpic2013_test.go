package bpic2013

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/iso27035/iso27035/incident"
)

func readAll(t *testing.T, path string) []*Record {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []*Record
	for rec, err := range Read(f, Options{}) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
	return out
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func TestExcerpt(t *testing.T) {
	recs := readAll(t, "testdata/excerpt.csv")
	if len(recs) != 6 {
		t.Fatalf("%d records, want 6", len(recs))
	}
	by := map[string]*Record{}
	events := 0
	for _, r := range recs {
		by[r.Extra.SRNumber] = r
		events += r.Extra.Events
		if err := r.Incident.Validate(); err != nil {
			t.Errorf("%s: %v", r.Extra.SRNumber, err)
		}
	}
	if events != 112 {
		t.Errorf("%d events, want 112", events)
	}

	r := by["1-364285768"]
	tl := r.Incident.Timeline
	if !tl.Reported.At.Equal(utc("2010-03-31T15:59:42+01:00")) || !tl.Reported.Exact() {
		t.Errorf("reported %+v", tl.Reported)
	}
	if !r.Extra.FirstResolved.Equal(utc("2010-04-06T15:44:51+01:00")) || !tl.Recovered.At.Equal(utc("2012-05-03T10:10:12+01:00")) {
		t.Errorf("resolved %v / %+v", r.Extra.FirstResolved, tl.Recovered)
	}
	if !tl.Closed.At.Equal(utc("2012-05-11T00:26:15+01:00")) || r.Incident.State != incident.StateClosed {
		t.Errorf("closed %+v state %s", tl.Closed, r.Incident.State)
	}
	// Left Completed/Resolved once, but never after a close.
	if r.Extra.Reopens != 1 || len(tl.Reopened) != 0 {
		t.Errorf("reopens %d, reopened %v", r.Extra.Reopens, tl.Reopened)
	}
	// Teams: V30 V30 V5 V5 V30 V13 V13 V30 V30 V5 V5 V5 ... → 5 changes.
	if r.Extra.Escalations != 5 || r.Extra.Impact != "Medium" || r.Extra.Product != "PROD582" {
		t.Errorf("extra %+v", r.Extra)
	}

	r = by["1-704940021"]
	if len(r.Incident.Timeline.Reopened) != 1 || !r.Incident.Timeline.Reopened[0].At.Equal(utc("2012-05-15T12:16:05+01:00")) {
		t.Errorf("reopened %v", r.Incident.Timeline.Reopened)
	}
	if !r.Incident.Timeline.Closed.At.Equal(utc("2012-05-23T00:21:45+01:00")) {
		t.Errorf("closed %+v", r.Incident.Timeline.Closed)
	}

	r = by["1-737379684"]
	if r.Extra.LastStatus != "Completed/Cancelled" || r.Incident.State != incident.StateClosed || r.Extra.Reopens != 1 {
		t.Errorf("cancelled: %+v %s", r.Extra, r.Incident.State)
	}
	if !strings.Contains(strings.Join(r.Incident.Labels, " "), "not-security") {
		t.Errorf("labels %v", r.Incident.Labels)
	}
}

func TestErrors(t *testing.T) {
	head := "SR Number,Change Date+Time,Status,Sub Status,Involved Org line 3,Involved ST,ST Level,SR Latest Impact,Product,Country\n"
	row := func(sr, at string) string { return sr + "," + at + ",Accepted,In Progress,Org A,V1,L1,Low,P1,se\n" }
	tests := []struct{ name, in, col string }{
		{"missing column", "SR Number,Status\n", "Change Date+Time"},
		{"bad time", head + row("1", "yesterday"), "Change Date+Time"},
		{"ungrouped", head + row("1", "2012-01-01T00:00:00Z") + row("2", "2012-01-01T00:00:00Z") + row("1", "2012-01-02T00:00:00Z"), "SR Number"},
		{"time goes back", head + row("1", "2012-01-02T00:00:00Z") + row("1", "2012-01-01T00:00:00Z"), "Change Date+Time"},
		{"short line", head + "1,2012-01-01T00:00:00Z\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got error
			for _, err := range Read(strings.NewReader(tt.in), Options{}) {
				if err != nil {
					got = err
				}
			}
			var pe *ParseError
			if !errors.As(got, &pe) || pe.Column != tt.col || !errors.Is(got, ErrFormat) {
				t.Fatalf("got %v, want a ParseError on column %q", got, tt.col)
			}
		})
	}
}

func TestStopEarly(t *testing.T) {
	f, err := os.Open("testdata/excerpt.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	for _, err := range Read(f, Options{}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		break
	}
	if n != 1 {
		t.Fatal(n)
	}
}

// TestFullLog reads the whole published log when ISO27035_BPIC2013 names it.
func TestFullLog(t *testing.T) {
	path := os.Getenv("ISO27035_BPIC2013")
	if path == "" {
		t.Skip("set ISO27035_BPIC2013 to the path of VINST-new.csv to read the full log")
	}
	recs, events, invalid := 0, 0, 0
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for r, err := range Read(f, Options{}) {
		if err != nil {
			t.Fatal(err)
		}
		recs++
		events += r.Extra.Events
		if err := r.Incident.Validate(); err != nil {
			invalid++
			if invalid < 5 {
				t.Errorf("%s: %v", r.Extra.SRNumber, err)
			}
		}
	}
	if recs != Incidents || events != Events || invalid != 0 {
		t.Fatalf("%d incidents, %d events, %d invalid; want %d, %d, 0", recs, events, invalid, Incidents, Events)
	}
}

func FuzzRead(f *testing.F) {
	data, err := os.ReadFile("testdata/excerpt.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("SR Number,Change Date+Time,Status,Sub Status,Involved Org line 3,Involved ST,ST Level,SR Latest Impact,Product,Country\n1,2012-01-01T00:00:00Z,Completed,Closed,o,s,L1,Low,p,c\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		for r, err := range Read(strings.NewReader(string(in)), Options{}) {
			if err != nil {
				var pe *ParseError
				if !errors.As(err, &pe) && !strings.Contains(err.Error(), "bpic2013") && !strings.Contains(err.Error(), "ref") {
					t.Fatalf("untyped error %v", err)
				}
				return
			}
			if r.Extra.Events < 1 || r.Incident.Timeline.Reported.IsZero() {
				t.Fatalf("record without events: %+v", r.Extra)
			}
			if !r.Incident.Timeline.Closed.IsZero() && r.Incident.Timeline.Closed.Before(r.Incident.Timeline.Reported) {
				t.Fatal("closed before reported")
			}
		}
	})
}

func ExampleRead() {
	f, err := os.Open("testdata/excerpt.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	for r, err := range Read(f, Options{}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		tl := r.Incident.Timeline
		resolve := "unresolved"
		if !r.Extra.FirstResolved.IsZero() {
			resolve = r.Extra.FirstResolved.Sub(tl.Reported.At).Round(time.Minute).String()
		}
		fmt.Printf("%s %-19s time to first resolve %-12s team changes %d, reopens %d (after close %d)\n",
			r.Extra.SRNumber, r.Extra.LastStatus, resolve, r.Extra.Escalations, r.Extra.Reopens, len(tl.Reopened))
	}
	// Output:
	// 1-364285768 Completed/Closed    time to first resolve 143h45m0s    team changes 5, reopens 1 (after close 0)
	// 1-467153946 Completed/Closed    time to first resolve 11285h45m0s  team changes 9, reopens 0 (after close 0)
	// 1-503573772 Completed/Closed    time to first resolve 10431h42m0s  team changes 6, reopens 0 (after close 0)
	// 1-704940021 Completed/Closed    time to first resolve 582h7m0s     team changes 0, reopens 1 (after close 1)
	// 1-722103633 Completed/Closed    time to first resolve 27h47m0s     team changes 1, reopens 2 (after close 0)
	// 1-737379684 Completed/Cancelled time to first resolve 1h37m0s      team changes 1, reopens 1 (after close 0)
}
