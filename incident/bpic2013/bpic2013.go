package bpic2013

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/iso27035/iso27035/incident"
)

// Sizes of the published log (VINST-new.csv): the full-file test checks
// them.
const (
	Incidents = 7554
	Events    = 65533
)

// Namespace is the UUID namespace of the name-based IDs derived from SR
// numbers.
var Namespace = uuid.MustParse("0b6f7f1c-3c55-5a7e-9a61-2d7f3b1e8c42")

// columns the reader needs, by header name.
var columns = []string{"SR Number", "Change Date+Time", "Status", "Sub Status", "Involved Org line 3",
	"Involved ST", "ST Level", "SR Latest Impact", "Product", "Country"}

const (
	colSR = iota
	colTime
	colStatus
	colSub
	colOrgLine
	colST
	colLevel
	colImpact
	colProduct
	colCountry
)

// ErrFormat is wrapped by every *ParseError.
var ErrFormat = errors.New("bpic2013: malformed log")

// ParseError is a problem at a line of the input: Column names the header
// of the offending field ("" for the whole line).
type ParseError struct {
	Line   int
	Column string
	Reason string
}

// Error implements error.
func (e *ParseError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("bpic2013: line %d: %s", e.Line, e.Reason)
	}
	return fmt.Sprintf("bpic2013: line %d: %s: %s", e.Line, e.Column, e.Reason)
}

// Unwrap returns ErrFormat.
func (e *ParseError) Unwrap() error { return ErrFormat }

// Extra is what a BPIC incident says beyond its timeline: the figures
// these data support, each named for what it counts.
type Extra struct {
	// SRNumber is the service request number ("1-364285768").
	SRNumber string
	// Events is the number of status changes.
	Events int
	// Impact is the SR Latest Impact of the last event: Low, Medium,
	// High or Major (the service desk's business impact, not a security
	// severity).
	Impact string
	// Product, OrgLine ("Involved Org line 3") and Country are those of
	// the last event.
	Product, OrgLine, Country string
	// Escalations counts changes of the support team ("Involved ST")
	// between consecutive events: hand-overs, not security escalations.
	Escalations int
	// LevelUps counts moves to a higher support level (L1 → L2 → L3).
	LevelUps int
	// Reopens counts the times the request left status Completed (any
	// sub-status) for another status, or left Completed/Closed or
	// Cancelled for another Completed sub-status. Timeline.Reopened holds
	// only those after a close, because a reopening needs a close.
	Reopens int
	// FirstResolved is the first entry into Completed/Resolved or
	// Completed/In Call (zero if never): time to resolve is FirstResolved
	// minus Timeline.Reported.
	FirstResolved time.Time
	// LastStatus is "Status/Sub Status" of the last event.
	LastStatus string
}

// Record is one incident of the log.
type Record struct {
	Incident *incident.Incident
	Extra    Extra
}

// Options are the reader options. The zero value reads into organisation "volvo-it" with a
// fresh sequence and the time of the last event as UpdatedAt.
type Options struct {
	// Org owns the records ("volvo-it" if empty).
	Org string
	// Sequence numbers references (a fresh MemorySequence if nil).
	Sequence incident.Sequence
}

type event struct {
	at                                                    time.Time
	status, sub, orgLine, st, level, impact, product, cty string
}

// Read returns the incidents of a BPIC 2013 CSV log (the VINST-new.csv
// layout: a header naming at least the columns above, one status change
// per line, grouped by SR Number and in time order within each request) in
// one pass. It holds one request's events at a time plus the set of SR
// numbers already seen, so that an ungrouped file is an error rather than
// split incidents. The first error ends the sequence.
func Read(r io.Reader, opt Options) iter.Seq2[*Record, error] {
	return func(yield func(*Record, error) bool) {
		if opt.Org == "" {
			opt.Org = "volvo-it"
		}
		if opt.Sequence == nil {
			opt.Sequence = &incident.MemorySequence{}
		}
		br := bufio.NewReader(r)
		if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
			_, _ = br.Discard(3)
		}
		cr := csv.NewReader(br)
		cr.ReuseRecord = true
		header, err := cr.Read()
		if err != nil {
			yield(nil, &ParseError{Line: 1, Reason: "no header: " + err.Error()})
			return
		}
		idx := make([]int, len(columns))
		for i, name := range columns {
			idx[i] = -1
			for j, h := range header {
				if strings.TrimSpace(h) == name {
					idx[i] = j
				}
			}
			if idx[i] < 0 {
				yield(nil, &ParseError{Line: 1, Column: name, Reason: "column missing from the header"})
				return
			}
		}
		seen := map[string]bool{}
		var cur string
		var evs []event
		flush := func() bool {
			if cur == "" {
				return true
			}
			rec, err := build(cur, evs, opt)
			evs = evs[:0]
			return yield(rec, err) && err == nil
		}
		for {
			row, err := cr.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				// FieldPos is undefined after an error: the line comes
				// from the csv error when it has one.
				line := 0
				var ce *csv.ParseError
				if errors.As(err, &ce) {
					line = ce.Line
				}
				yield(nil, &ParseError{Line: line, Reason: err.Error()})
				return
			}
			line, _ := cr.FieldPos(0)
			sr := strings.TrimSpace(row[idx[colSR]])
			if sr == "" {
				yield(nil, &ParseError{Line: line, Column: columns[colSR], Reason: "empty"})
				return
			}
			at, err := time.Parse(time.RFC3339, row[idx[colTime]])
			if err != nil {
				yield(nil, &ParseError{Line: line, Column: columns[colTime], Reason: "want RFC 3339: " + err.Error()})
				return
			}
			if sr != cur {
				if seen[sr] {
					yield(nil, &ParseError{Line: line, Column: columns[colSR], Reason: "request " + sr + " appears again after other requests: the log must be grouped by SR Number"})
					return
				}
				if !flush() {
					return
				}
				seen[sr], cur = true, sr
			}
			if n := len(evs); n > 0 && at.Before(evs[n-1].at) {
				yield(nil, &ParseError{Line: line, Column: columns[colTime], Reason: "earlier than the previous event of " + sr})
				return
			}
			evs = append(evs, event{at: at.UTC(), status: row[idx[colStatus]], sub: row[idx[colSub]],
				orgLine: row[idx[colOrgLine]], st: row[idx[colST]], level: row[idx[colLevel]],
				impact: row[idx[colImpact]], product: row[idx[colProduct]], cty: row[idx[colCountry]]})
		}
		flush()
	}
}

func completed(e event) bool { return e.status == "Completed" }

func resolution(e event) bool {
	return e.status == "Completed" && (e.sub == "Resolved" || e.sub == "In Call")
}

func closing(e event) bool {
	return e.status == "Completed" && (e.sub == "Closed" || e.sub == "Cancelled")
}

// build maps one request's events.
func build(sr string, evs []event, opt Options) (*Record, error) {
	first, last := evs[0], evs[len(evs)-1]
	x := Extra{SRNumber: sr, Events: len(evs), Impact: last.impact, Product: last.product,
		OrgLine: last.orgLine, Country: last.cty, LastStatus: last.status + "/" + last.sub}
	inc := &incident.Incident{}
	tl := &inc.Timeline
	tl.Reported = incident.At(first.at)
	var lastResolved, lastClosed time.Time
	for i, e := range evs {
		if i > 0 {
			p := evs[i-1]
			if e.st != p.st {
				x.Escalations++
			}
			if e.level > p.level && strings.HasPrefix(e.level, "L") && strings.HasPrefix(p.level, "L") {
				x.LevelUps++
			}
			// Leaving Completed is a reopening; so is leaving a close for
			// another Completed sub-status (Closed → Resolved, seen once
			// in the log), which reopens the closed request.
			if (completed(p) && !completed(e)) || (closing(p) && !closing(e)) {
				x.Reopens++
				if !lastClosed.IsZero() {
					tl.Reopened = append(tl.Reopened, incident.At(e.at))
				}
			}
		}
		if resolution(e) && (i == 0 || !resolution(evs[i-1])) {
			if x.FirstResolved.IsZero() {
				x.FirstResolved = e.at
			}
			lastResolved = e.at
		}
		if closing(e) && (i == 0 || !closing(evs[i-1])) {
			lastClosed = e.at
		}
	}
	if !lastResolved.IsZero() {
		tl.Recovered = incident.At(lastResolved)
	}
	if !lastClosed.IsZero() {
		tl.Closed = incident.At(lastClosed)
	}
	n, err := opt.Sequence.Next(context.Background(), opt.Org, incident.KindIncident, first.at.Year())
	if err != nil {
		return nil, err
	}
	if inc.Ref, err = incident.FormatRef(incident.KindIncident, first.at.Year(), n); err != nil {
		return nil, err
	}
	inc.ID = uuid.NewSHA1(Namespace, []byte("bpic2013:incident:"+sr))
	inc.EventIDs = []uuid.UUID{uuid.NewSHA1(Namespace, []byte("bpic2013:event:"+sr))}
	inc.Org, inc.OrgUnit = opt.Org, last.orgLine
	inc.CreatedAt, inc.UpdatedAt = first.at, last.at
	inc.Title = "BPIC 2013 service request " + sr
	inc.Status = x.LastStatus
	inc.Phase, inc.State = mapState(last)
	inc.Links = []incident.Link{{System: "bpic2013", Key: sr}}
	inc.Labels = []string{"source:bpic2013", "not-security"}
	for _, l := range []struct{ k, v string }{{"impact", x.Impact}, {"product", x.Product}, {"country", x.Country}} {
		if v := strings.Join(strings.Fields(l.v), "-"); v != "" && len(l.k)+1+len(v) <= incident.MaxLabelBytes {
			inc.Labels = append(inc.Labels, l.k+":"+strings.ToLower(v))
		}
	}
	return &Record{Incident: inc, Extra: x}, nil
}

// mapState maps the last status onto phase and state (see the package
// documentation).
func mapState(e event) (incident.Phase, incident.State) {
	switch {
	case closing(e):
		return incident.PhaseRespond, incident.StateClosed
	case completed(e):
		return incident.PhaseRespond, incident.StateConclusion
	case e.status == "Accepted":
		return incident.PhaseRespond, incident.StateAnalysis
	}
	return incident.PhaseAssessDecide, incident.StateTriage // Queued, Unmatched
}
