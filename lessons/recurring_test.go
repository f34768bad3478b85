package lessons_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lessons"
	"github.com/iso27035/iso27035/prepare"
)

var q1 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
var q2 = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)

// randomReviews returns n reviews in Q1 2026 with distinct causes, assets
// and controls; when shared is set, three of them (chosen at random) also
// name the same cause, spelled differently.
func randomReviews(rng *rand.Rand, n int, shared bool) []lessons.Review {
	cats := []lessons.Category{lessons.CategoryPeople, lessons.CategoryProcess, lessons.CategoryTechnology, lessons.CategoryThirdParty}
	var rs []lessons.Review
	for i := range n {
		subj := lessons.SubjectIncident
		if rng.IntN(4) == 0 {
			subj = lessons.SubjectNearMiss
		}
		rs = append(rs, lessons.Review{
			ID: fmt.Sprintf("PIR-%02d", i), Subject: subj, RecordID: uuid.New(),
			At:       q1.Add(time.Duration(rng.Int64N(int64(q2.Sub(q1))))),
			Causes:   []lessons.Cause{{Category: cats[rng.IntN(len(cats))], Text: fmt.Sprintf("unique cause %d-%d", i, rng.Int())}},
			Assets:   []string{fmt.Sprintf("asset-%d", i)},
			Controls: []string{fmt.Sprintf("X.%d", i)},
		})
	}
	if shared {
		spell := []string{"Unpatched VPN gateway", "unpatched  VPN-gateway", "UNPATCHED VPN GATEWAY!"}
		for k, i := range rng.Perm(n)[:3] {
			rs[i].Causes = append(rs[i].Causes, lessons.Cause{Category: lessons.CategoryTechnology, Text: spell[k]})
		}
	}
	return rs
}

func causeFindings(fs []lessons.Finding) []lessons.Finding {
	return slices.DeleteFunc(slices.Clone(fs), func(f lessons.Finding) bool { return f.Dimension != lessons.DimensionCause })
}

func TestRecurringRandom(t *testing.T) {
	for seed := range uint64(50) {
		rng := rand.New(rand.NewPCG(seed, 27035))
		with := randomReviews(rng, 20, true)
		fs := causeFindings(lessons.Recurring(with, q1, q2, 0))
		require.Len(t, fs, 1, "seed %d", seed)
		f := fs[0]
		assert.Equal(t, "unpatched vpn gateway", f.Key)
		require.Len(t, f.Reviews, 3)
		p := f.Proposal
		require.NoError(t, p.Validate(), "seed %d", seed)
		assert.Equal(t, prepare.ProposalRule, p.Kind)
		for _, id := range f.Reviews {
			assert.Contains(t, p.Source, id)
		}

		without := randomReviews(rng, 20, false)
		assert.Empty(t, causeFindings(lessons.Recurring(without, q1, q2, 0)), "seed %d", seed)
		for _, f := range lessons.Recurring(without, q1, q2, 0) {
			assert.Equal(t, lessons.DimensionCategory, f.Dimension, "only categories recur in seed %d", seed)
		}
	}
}

func TestRecurringPeriodAndAccept(t *testing.T) {
	mk := func(id string, at time.Time, subj lessons.Subject) lessons.Review {
		return lessons.Review{ID: id, Subject: subj, RecordID: uuid.New(), At: at,
			Causes:   []lessons.Cause{{Category: lessons.CategoryPeople, Text: "Phishing link clicked"}},
			Assets:   []string{"mail"},
			Controls: []string{"6.3"}}
	}
	rs := []lessons.Review{
		mk("A", q1.Add(24*time.Hour), lessons.SubjectIncident),
		mk("B", q1.Add(48*time.Hour), lessons.SubjectNearMiss),
		mk("C", q2.Add(-time.Second), lessons.SubjectIncident),
		mk("D", q2, lessons.SubjectIncident),                   // after the period
		mk("E", q1.Add(time.Hour), lessons.SubjectExercise),    // exercises do not count
		mk("F", q1.Add(-time.Second), lessons.SubjectIncident), // before
	}
	fs := lessons.Recurring(rs, q1, q2, 3)
	require.Len(t, fs, 4)
	dims := []lessons.Dimension{lessons.DimensionCategory, lessons.DimensionCause, lessons.DimensionAsset, lessons.DimensionControl}
	for i, f := range fs {
		assert.Equal(t, dims[i], f.Dimension)
		assert.Equal(t, []string{"A", "B", "C"}, f.Reviews)
		assert.Equal(t, 1, f.NearMisses)
	}
	p := fs[1].Proposal
	assert.Equal(t, prepare.ProposalTraining, p.Kind)
	prep := &prepare.Preparation{}
	require.NoError(t, prepare.Accept(prep, &p, incident.ActorID("ciso"), q2, "agreed"))
	assert.Equal(t, prepare.ProposalAccepted, p.Status)
	assert.Empty(t, lessons.Recurring(rs, q1, q2, 4))
}

func TestFeedbackByQuarter(t *testing.T) {
	rs := []lessons.Review{
		{Feedback: []lessons.Feedback{{Rating: 4, At: q1.Add(time.Hour), Comment: "clear roles"}, {Rating: 2, At: q2.Add(time.Hour)}}},
		{Feedback: []lessons.Feedback{{Rating: 5, At: q1.Add(2 * time.Hour)}, {Rating: 9, At: q1}}},
	}
	qs := lessons.FeedbackByQuarter(rs)
	require.Len(t, qs, 2)
	assert.Equal(t, lessons.Quarter{Year: 2026, Quarter: 1, Count: 2, Mean: 4.5, Ratings: [5]int{0, 0, 0, 1, 1}, Comments: []string{"clear roles"}}, qs[0])
	assert.Equal(t, 2, qs[1].Quarter)
	assert.InDelta(t, 2.0, qs[1].Mean, 1e-9)
}
