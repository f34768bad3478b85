package metrics

import (
	"fmt"
	"math"
)

// SketchMinValue is the smallest positive value a Sketch tells apart from
// zero: one nanosecond, in seconds. Durations have nanosecond resolution,
// so every positive duration is at least this; smaller values (and zero)
// are counted as exactly zero.
const SketchMinValue = 1e-9

// Sketch is a mergeable quantile sketch with a relative-error guarantee, in
// the manner of DDSketch (Masson, Rim and Lee, "DDSketch: a fast and
// fully-mergeable quantile sketch with relative-error guarantees", VLDB
// 2019), written here on the standard library alone.
//
// A value x ≥ SketchMinValue falls into bucket i = ⌈log_γ x⌉ with
// γ = (1+α)/(1−α); the bucket covers (γ^(i−1), γ^i] and stands for
// 2γ^i/(γ+1), which is within relative error α of every value in it.
// Values below SketchMinValue are kept in a zero bucket that stands for 0.
//
// Error bound: Quantile(q) returns the Hyndman–Fan R-7 interpolation
// between the estimated order statistics at ranks ⌊(n−1)q⌋ and ⌈(n−1)q⌉;
// each estimate is within α·x of the true order statistic x (clamped to the
// exact minimum and maximum, which only moves it closer), so the result is
// within α·v of the exact R-7 quantile v of the same values, for any q,
// also after any number of Merges. Count, Sum, Min and Max are exact.
//
// Memory: one counter per bucket between the smallest and largest bucket
// used; for durations from 1 ns to 300 years at α = 1 % that is at most
// about 2,200 counters (18 KiB), independent of the number of values.
// A Sketch is not safe for concurrent use.
type Sketch struct {
	alpha, gamma, lnGamma float64
	zero                  uint64
	offset                int // bucket index of counts[0]
	counts                []uint64
	n                     uint64
	sum, min, max         float64
}

// NewSketch returns an empty sketch with relative accuracy alpha, which
// must lie in (0, 0.5].
func NewSketch(alpha float64) (*Sketch, error) {
	if !(alpha > 0 && alpha <= 0.5) {
		return nil, fmt.Errorf("%w: sketch relative accuracy %v outside (0, 0.5]", ErrOptions, alpha)
	}
	g := (1 + alpha) / (1 - alpha)
	return &Sketch{alpha: alpha, gamma: g, lnGamma: math.Log(g)}, nil
}

// RelativeAccuracy returns α, the relative-error bound.
func (s *Sketch) RelativeAccuracy() float64 { return s.alpha }

// Count returns how many values were added.
func (s *Sketch) Count() uint64 { return s.n }

// Sum returns the exact sum of the values added.
func (s *Sketch) Sum() float64 { return s.sum }

// Min returns the smallest value added; 0 when empty.
func (s *Sketch) Min() float64 { return s.min }

// Max returns the largest value added; 0 when empty.
func (s *Sketch) Max() float64 { return s.max }

// Add adds x. Negative values, NaN and +Inf are not durations: Add counts
// them as zero, and callers (this package) never pass them.
func (s *Sketch) Add(x float64) {
	if !(x >= SketchMinValue) || math.IsInf(x, 1) { // also catches NaN
		x = math.Max(0, x)
		if math.IsNaN(x) || math.IsInf(x, 1) {
			x = 0
		}
		s.zero++
	} else {
		s.bump(int(math.Ceil(math.Log(x)/s.lnGamma)), 1)
	}
	if s.n == 0 || x < s.min {
		s.min = x
	}
	if s.n == 0 || x > s.max {
		s.max = x
	}
	s.n++
	s.sum += x
}

func (s *Sketch) bump(i int, c uint64) {
	if len(s.counts) == 0 {
		s.counts = make([]uint64, 1, 64)
		s.offset = i
	}
	if i < s.offset {
		grow := s.offset - i
		nc := make([]uint64, len(s.counts)+grow, len(s.counts)+grow+32)
		copy(nc[grow:], s.counts)
		s.counts, s.offset = nc, i
	} else if j := i - s.offset; j >= len(s.counts) {
		s.counts = append(s.counts, make([]uint64, j-len(s.counts)+1)...)
	}
	s.counts[i-s.offset] += c
}

// Merge adds every value of o to s, as if they had been added to s. Both
// must have the same relative accuracy. o is unchanged.
func (s *Sketch) Merge(o *Sketch) error {
	if o == nil || o.n == 0 {
		return nil
	}
	if o.alpha != s.alpha {
		return fmt.Errorf("%w: merging sketches of relative accuracy %v and %v", ErrOptions, s.alpha, o.alpha)
	}
	if s.n == 0 || o.min < s.min {
		s.min = o.min
	}
	if s.n == 0 || o.max > s.max {
		s.max = o.max
	}
	for j, c := range o.counts {
		if c != 0 {
			s.bump(o.offset+j, c)
		}
	}
	s.zero += o.zero
	s.n += o.n
	s.sum += o.sum
	return nil
}

// rank returns the estimated value of the order statistic of 0-based rank r.
func (s *Sketch) rank(r uint64) float64 {
	if r == 0 {
		return s.min
	}
	if r >= s.n-1 {
		return s.max
	}
	if r < s.zero {
		return 0
	}
	seen := s.zero
	for j, c := range s.counts {
		seen += c
		if r < seen {
			v := 2 * math.Pow(s.gamma, float64(s.offset+j)) / (s.gamma + 1)
			return math.Min(math.Max(v, s.min), s.max)
		}
	}
	return s.max
}

// Quantile returns the estimated R-7 quantile q of the values added,
// within the relative error bound of the type's documentation. It returns
// an error for an empty sketch or q outside [0, 1].
func (s *Sketch) Quantile(q float64) (float64, error) {
	if s.n == 0 {
		return 0, fmt.Errorf("metrics: quantile of an empty sketch")
	}
	if !(q >= 0 && q <= 1) {
		return 0, fmt.Errorf("metrics: quantile %v outside [0, 1]", q)
	}
	h := float64(s.n-1) * q
	lo := math.Floor(h)
	v := s.rank(uint64(lo))
	if f := h - lo; f > 0 {
		v += f * (s.rank(uint64(lo)+1) - v)
	}
	return v, nil
}
