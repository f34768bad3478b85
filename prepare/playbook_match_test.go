package prepare

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
)

// matchBefore and coversBefore are Match and Covers as they were before
// they stopped copying Current: the reference the current implementation
// must agree with.
func (l *Library) matchBefore(cat incident.Category, sev incident.Severity) (Playbook, bool) {
	cur := l.Current()
	slices.SortStableFunc(cur, func(a, b Playbook) int { return strings.Compare(a.Name, b.Name) })
	best, found := -1, Specificity(-1)
	for i, p := range cur {
		if s, ok := match(p.Category, p.Severities, cat, sev); ok && s > found {
			best, found = i, s
		}
	}
	if best < 0 {
		return Playbook{}, false
	}
	return cur[best], true
}

func (l *Library) coversBefore(cat incident.Category) bool {
	for _, p := range l.Current() {
		if p.Category.IsZero() {
			continue
		}
		if _, ok := match(p.Category, nil, cat, ""); ok {
			return true
		}
	}
	return false
}

// TestMatchSameAsBefore checks Match and Covers against matchBefore and
// coversBefore on random libraries with several versions of a name (some
// equal, some narrower or wider than the one before), for every category
// and severity they name.
func TestMatchSameAsBefore(t *testing.T) {
	classes := []string{"a", "b", "c"}
	types := []string{"", "x", "y"}
	sevs := []incident.Severity{incident.SeverityLow, incident.SeverityHigh, incident.SeverityCritical}
	category := func(rng *rand.Rand) incident.Category {
		if rng.IntN(5) == 0 {
			return incident.Category{}
		}
		c := incident.Category{Class: classes[rng.IntN(len(classes))], Type: types[rng.IntN(len(types))]}
		if rng.IntN(8) == 0 {
			c.Taxonomy = "other"
		}
		return c
	}
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 27035))
		lib := &Library{}
		for i := range rng.IntN(25) {
			p := Playbook{Name: fmt.Sprintf("pb-%d", rng.IntN(8)), Version: 1 + rng.IntN(3), Category: category(rng),
				Steps: []Step{{ID: fmt.Sprintf("s%d", i), Title: "step"}}}
			for _, s := range sevs {
				if rng.IntN(4) == 0 {
					p.Severities = append(p.Severities, s)
				}
			}
			lib.Playbooks = append(lib.Playbooks, p)
		}
		for range 20 {
			cat := category(rng)
			for _, sev := range append(sevs, "") {
				wantP, wantOK := lib.matchBefore(cat, sev)
				gotP, gotOK := lib.Match(cat, sev)
				require.Equal(t, wantOK, gotOK, "seed %d %v %q", seed, cat, sev)
				require.Equal(t, wantP, gotP, "seed %d %v %q", seed, cat, sev)
			}
			require.Equal(t, lib.coversBefore(cat), lib.Covers(cat), "seed %d %v", seed, cat)
		}
	}
}
