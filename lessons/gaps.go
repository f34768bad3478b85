package lessons

import (
	"fmt"
	"slices"
	"time"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/metrics"
)

// GapStatus says whether a gap was measured, and why not when it was not.
type GapStatus string

// The statuses of a gap; the reasons follow metrics.LeftOut.
const (
	// GapMeasured: both anchors are known; Duration holds the gap.
	GapMeasured GapStatus = "measured"
	// GapOpen: the end anchor is not reached yet and the record is not
	// closed (as of the time asked): censored, never zero.
	GapOpen GapStatus = "open"
	// GapUnknown: the start anchor is missing, or the record was closed
	// without reaching the end anchor.
	GapUnknown GapStatus = "unknown"
	// GapEstimated: an end point is only an estimate.
	GapEstimated GapStatus = "estimated"
	// GapCoarse: an end point has only day, month or year precision.
	GapCoarse GapStatus = "coarse"
	// GapInvalid: the end lies before the start.
	GapInvalid GapStatus = "invalid"
)

// Gap is one detection or response interval of the reviewed record,
// measured from its own timeline by package metrics.
type Gap struct {
	// Name is the metrics interval ("time_to_contain"); From and To its
	// anchors.
	Name string          `json:"name"`
	From incident.Anchor `json:"from"`
	To   incident.Anchor `json:"to"`
	// Status says whether Duration is measured; Duration is zero
	// otherwise.
	Status   GapStatus     `json:"status"`
	Duration time.Duration `json:"duration,omitempty"`
}

// String renders the gap as "time_to_contain 2m0s" or
// "time_to_recover open".
func (g Gap) String() string {
	if g.Status == GapMeasured {
		return fmt.Sprintf("%s %s", g.Name, g.Duration)
	}
	return fmt.Sprintf("%s %s", g.Name, g.Status)
}

// GapIntervals are the intervals Gaps measures: time to detect (occurred
// to detected), to acknowledge, to contain and to recover (each from
// detected), as metrics.DefaultIntervals defines them.
var GapIntervals = []string{metrics.TimeToDetect, metrics.TimeToAcknowledge, metrics.TimeToContain, metrics.TimeToRecover}

// Gaps measures the detection and response gaps of rec (GapIntervals)
// as of asOf with package metrics, over a sequence of that one record:
// an anchor at or after asOf is not reached yet. A zero asOf means as of
// now. A gap that cannot be measured says why (open, unknown, ...), never
// zero. Estimated and coarse timestamps are not used.
func Gaps(rec incident.Record, asOf time.Time) ([]Gap, error) {
	if rec == nil {
		return nil, fmt.Errorf("%w: Gaps needs a record", ErrInvalid)
	}
	var ivs []metrics.Interval
	for _, iv := range metrics.DefaultIntervals() {
		if slices.Contains(GapIntervals, iv.Name) {
			ivs = append(ivs, iv)
		}
	}
	one := func(yield func(incident.Record, error) bool) { yield(rec, nil) }
	rep, err := metrics.Compute(one, metrics.Options{Intervals: ivs, Until: asOf})
	if err != nil {
		return nil, fmt.Errorf("lessons: measuring the gaps of %s: %w", rec.Head().ID, err)
	}
	out := make([]Gap, 0, len(ivs))
	for _, iv := range ivs {
		g := Gap{Name: iv.Name, From: iv.From, To: iv.To, Status: GapUnknown}
		if d, ok := rep.Overall.Duration(iv.Name); ok {
			g.Status = gapStatus(d)
			if g.Status == GapMeasured {
				g.Duration = d.Stats.Min
			}
		}
		out = append(out, g)
	}
	return out, nil
}

// gapStatus reads the status of a one-record figure.
func gapStatus(d metrics.DurationStats) GapStatus {
	l := d.LeftOut
	switch {
	case d.Stats.Count > 0:
		return GapMeasured
	case l.Open > 0:
		return GapOpen
	case l.Estimated > 0:
		return GapEstimated
	case l.Coarse > 0:
		return GapCoarse
	case l.Invalid > 0:
		return GapInvalid
	}
	return GapUnknown
}

// MeasureGaps sets the review's Gaps from rec, the reviewed record, as
// of asOf (see Gaps).
func (r *Review) MeasureGaps(rec incident.Record, asOf time.Time) error {
	if rec == nil || rec.Head().ID != r.RecordID {
		return fmt.Errorf("%w: review %q: gaps need the reviewed record", ErrInvalid, r.ID)
	}
	g, err := Gaps(rec, asOf)
	if err != nil {
		return err
	}
	r.Gaps = g
	return nil
}
