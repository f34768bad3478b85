package lessons

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/prepare"
)

// DefaultThreshold is the number of reviews in a period that makes a
// recurrence a finding when Recurring is given no threshold.
const DefaultThreshold = 3

// Proposer is the actor named as proposer of the change proposals
// Recurring makes.
const Proposer incident.ActorID = "lessons:recurring"

// Dimension is what recurs.
type Dimension string

// The dimensions Recurring counts.
const (
	DimensionCategory Dimension = "category"
	DimensionCause    Dimension = "cause"
	DimensionAsset    Dimension = "asset"
	DimensionControl  Dimension = "control"
)

// Finding is something that recurred in a period, with the change
// proposal for preparation that answers it.
type Finding struct {
	Dimension Dimension `json:"dimension"`
	// Key is the category, normalised cause, asset ID or control ID.
	Key string `json:"key"`
	// Reviews are the IDs of the reviews it recurred in, sorted;
	// NearMisses how many of them are near misses.
	Reviews    []string `json:"reviews"`
	NearMisses int      `json:"near_misses,omitempty"`
	// Proposal is the proposed change, for prepare.Accept; its Source
	// lists the reviews. A host may change its kind or target (a
	// playbook step in the playbook it knows) before deciding it.
	Proposal prepare.Proposal `json:"proposal"`
	// Decision records the decision on Proposal once taken
	// (AcceptFinding, RejectFinding, Record); nil while proposed.
	Decision *Decision `json:"decision,omitempty"`
}

// Recurring returns what recurred in at least threshold reviews (0 or less
// means DefaultThreshold) placed (Review.At) in [from, until): cause
// categories, root causes by GroupKey (contributing factors included),
// assets and implicated controls, each counted once per review. Near
// misses count like incidents; exercises do not count. Findings come in
// the order of the dimensions above, then by descending count, then by
// key. Each carries a proposal: a training topic for a people cause or
// category, a rule change otherwise, proposed by Proposer at until.
func Recurring(reviews []Review, from, until time.Time, threshold int) []Finding {
	if threshold <= 0 {
		threshold = DefaultThreshold
	}
	type acc struct {
		reviews    []string
		nearMisses int
		category   Category
		text       string
		// last is the number (see num) of the review counted last.
		last int
	}
	// Each review ID is numbered once, so that a key counts a review
	// once without searching the reviews it already counted: the keys of
	// one review are added together, so a key has counted the review
	// being added exactly when its last is that review's number. Only
	// when IDs repeat across reviews is a set of (key, review) pairs
	// kept as well.
	num := make(map[string]int, len(reviews))
	dup := false
	for i := range reviews {
		r := &reviews[i]
		if r.Subject == SubjectExercise || r.At.Before(from) || !r.At.Before(until) {
			continue
		}
		if _, ok := num[r.ID]; ok {
			dup = true
			continue
		}
		num[r.ID] = len(num)
	}
	type pair struct {
		a *acc
		n int
	}
	var counted map[pair]bool
	if dup {
		counted = map[pair]bool{}
	}
	seen := map[Dimension]map[string]*acc{}
	add := func(d Dimension, key string, r *Review, n int, cat Category, text string) {
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
			a = &acc{category: cat, text: text, last: -1}
			m[key] = a
		}
		if a.last == n {
			return
		}
		if dup {
			if counted[pair{a, n}] {
				return
			}
			counted[pair{a, n}] = true
		}
		a.last = n
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
		n := num[r.ID]
		for _, c := range r.Causes {
			add(DimensionCategory, string(c.Category), r, n, c.Category, string(c.Category))
			add(DimensionCause, c.GroupKey(), r, n, c.Category, c.Text)
		}
		for _, a := range r.Assets {
			add(DimensionAsset, a, r, n, "", a)
		}
		for _, c := range r.Controls {
			add(DimensionControl, c, r, n, "", c)
		}
	}
	var out []Finding
	for _, d := range []Dimension{DimensionCategory, DimensionCause, DimensionAsset, DimensionControl} {
		var fs []Finding
		for key, a := range seen[d] {
			if len(a.reviews) < threshold {
				continue
			}
			// a.reviews is this key's own: sorted in place, not copied.
			ids := a.reviews
			slices.Sort(ids)
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

// proposal makes the change proposal of a finding.
func proposal(d Dimension, key string, cat Category, text string, ids []string, from, until time.Time) prepare.Proposal {
	p := prepare.Proposal{
		ID:         fmt.Sprintf("lessons/%s/%s/%s", d, strings.ReplaceAll(key, " ", "-"), until.UTC().Format("2006-01-02")),
		Reason:     fmt.Sprintf("%s %q recurred in %d reviews between %s and %s", d, text, len(ids), from.UTC().Format("2006-01-02"), until.UTC().Format("2006-01-02")),
		Source:     strings.Join(ids, ","),
		ProposedBy: Proposer,
		ProposedAt: until,
	}
	if cat == CategoryPeople {
		p.Kind, p.Target, p.Text = prepare.ProposalTraining, "all staff", "Awareness: "+text
		return p
	}
	p.Kind, p.Target, p.Text = prepare.ProposalRule, "plan", fmt.Sprintf("Address the recurring %s: %s", d, text)
	return p
}
