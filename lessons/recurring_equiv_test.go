package lessons

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// recurringBefore is Recurring as it was before the duplicate check used
// review numbers instead of searching the reviews counted: the reference
// the current implementation must agree with.
func recurringBefore(reviews []Review, from, until time.Time, threshold int) []Finding {
	if threshold <= 0 {
		threshold = DefaultThreshold
	}
	type acc struct {
		reviews    []string
		nearMisses int
		category   Category
		text       string
	}
	seen := map[Dimension]map[string]*acc{}
	add := func(d Dimension, key string, r *Review, cat Category, text string) {
		if key == "" {
			return
		}
		m := seen[d]
		if m == nil {
			m = map[string]*acc{}
			seen[d] = m
		}
		a := m[key]
		if a == nil {
			a = &acc{category: cat, text: text}
			m[key] = a
		}
		if slices.Contains(a.reviews, r.ID) {
			return
		}
		a.reviews = append(a.reviews, r.ID)
		if r.Subject == SubjectNearMiss {
			a.nearMisses++
		}
	}
	for i := range reviews {
		r := &reviews[i]
		if r.Subject == SubjectExercise || r.At.Before(from) || !r.At.Before(until) {
			continue
		}
		for _, c := range r.Causes {
			add(DimensionCategory, string(c.Category), r, c.Category, string(c.Category))
			add(DimensionCause, c.GroupKey(), r, c.Category, c.Text)
		}
		for _, a := range r.Assets {
			add(DimensionAsset, a, r, "", a)
		}
		for _, c := range r.Controls {
			add(DimensionControl, c, r, "", c)
		}
	}
	var out []Finding
	for _, d := range []Dimension{DimensionCategory, DimensionCause, DimensionAsset, DimensionControl} {
		var fs []Finding
		for key, a := range seen[d] {
			if len(a.reviews) < threshold {
				continue
			}
			ids := slices.Sorted(slices.Values(a.reviews))
			fs = append(fs, Finding{Dimension: d, Key: key, Reviews: ids, NearMisses: a.nearMisses,
				Proposal: proposal(d, key, a.category, a.text, ids, from, until)})
		}
		slices.SortFunc(fs, func(x, y Finding) int {
			if c := len(y.Reviews) - len(x.Reviews); c != 0 {
				return c
			}
			return strings.Compare(x.Key, y.Key)
		})
		out = append(out, fs...)
	}
	return out
}

// TestRecurringSameAsBefore checks Recurring against recurringBefore on
// random reviews with repeated keys within a review, IDs shared by
// several reviews, exercises and reviews outside the period.
func TestRecurringSameAsBefore(t *testing.T) {
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	until := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	cats := []Category{CategoryPeople, CategoryProcess, CategoryTechnology, CategoryThirdParty}
	subjects := []Subject{SubjectIncident, SubjectIncident, SubjectNearMiss, SubjectExercise}
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 35))
		n := rng.IntN(60)
		ids := 1 + rng.IntN(n+1)
		rs := make([]Review, n)
		for i := range rs {
			r := Review{ID: fmt.Sprintf("PIR-%d", rng.IntN(ids)), Subject: subjects[rng.IntN(len(subjects))],
				At: from.Add(time.Duration(rng.Int64N(int64(until.Sub(from)*5/4))) - until.Sub(from)/8)}
			for range rng.IntN(4) {
				text := fmt.Sprintf("cause %d", rng.IntN(6))
				if rng.IntN(2) == 0 {
					text = strings.ToUpper(text) + "!"
				}
				r.Causes = append(r.Causes, Cause{Category: cats[rng.IntN(len(cats))], Text: text})
			}
			for range rng.IntN(3) {
				r.Assets = append(r.Assets, fmt.Sprintf("asset-%d", rng.IntN(5)))
			}
			for range rng.IntN(3) {
				r.Controls = append(r.Controls, fmt.Sprintf("5.%d", rng.IntN(5)))
			}
			if rng.IntN(8) == 0 {
				r.Assets = append(r.Assets, "")
			}
			rs[i] = r
		}
		for threshold := range 4 {
			want := recurringBefore(slices.Clone(rs), from, until, threshold)
			got := Recurring(rs, from, until, threshold)
			require.Equal(t, want, got, "seed %d threshold %d", seed, threshold)
		}
	}
}
