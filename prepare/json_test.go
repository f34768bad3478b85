package prepare_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/prepare"
)

func TestParsePreparationRoundTrip(t *testing.T) {
	p, _ := ready()
	data, err := json.Marshal(p)
	require.NoError(t, err)
	got, err := prepare.ParsePreparation(data)
	require.NoError(t, err)
	again, err := json.Marshal(got)
	require.NoError(t, err)
	assert.JSONEq(t, string(data), string(again))
}

func TestParsePreparationNamesEveryBadField(t *testing.T) {
	_, err := prepare.ParsePreparation([]byte(`{"policy":{"version":1,"scope":"x","scop":"y"},
		"plan":{"version":1,"severity_scale":"d","review_period":5},
		"roster":{"teams":[{"name":"irt","kind":"irt","members":[{"id":"a","deputi":"b"}]}]}}`))
	var pe *prepare.ParseError
	require.ErrorAs(t, err, &pe)
	assert.ErrorIs(t, err, prepare.ErrInvalid)
	var fields []string
	for _, p := range pe.Problems {
		fields = append(fields, p.Field)
	}
	assert.ElementsMatch(t, []string{"policy.scop", "plan.review_period", "roster.teams[0].members[0].deputi"}, fields)
}

func TestParsePreparationValidates(t *testing.T) {
	_, err := prepare.ParsePreparation([]byte(`{"roster":{"teams":[{"name":"irt","kind":"irt","members":[{"id":"a"}]}],
		"rotations":[{"name":"r","team":"irt","zone":"Europe/Berlin","start":"2026-01-01","handover":"09:00","shift_days":7,"order":["zed"]}],
		"paging":[{"name":"p","escalations":[{"rotation":"nope"}]}]}}`))
	assert.ErrorIs(t, err, prepare.ErrInvalid)
	var pe *prepare.ParseError
	assert.False(t, errors.As(err, &pe))
	assert.Contains(t, err.Error(), `"zed" is not a member`)
	assert.Contains(t, err.Error(), `unknown rotation "nope"`)
}

func FuzzParsePreparation(f *testing.F) {
	p, _ := ready()
	seed, _ := json.Marshal(p)
	f.Add(seed)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"plan":{"review_period":"x"}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := prepare.ParsePreparation(data)
		if err != nil {
			if !errors.Is(err, prepare.ErrInvalid) {
				t.Fatalf("error does not wrap ErrInvalid: %v", err)
			}
			return
		}
		out, err := json.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := prepare.ParsePreparation(out); err != nil {
			t.Fatalf("re-parsing own output: %v\n%s", err, out)
		}
	})
}

func TestPlanReviewSignOffRoles(t *testing.T) {
	for _, tc := range []struct {
		name   string
		roles  string
		fields []string
	}{
		{"none", `[]`, nil},
		{"known", `["incident_manager","legal"]`, nil},
		{"empty", `["incident_manager",""]`, []string{"plan.review_sign_off[1]"}},
		{"unknown", `["ciso"]`, []string{"plan.review_sign_off[0]"}},
		{"twice", `["legal","irt_lead","legal"]`, []string{"plan.review_sign_off[2]"}},
		{"several", `["","ciso"]`, []string{"plan.review_sign_off[0]", "plan.review_sign_off[1]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := prepare.ParsePreparation([]byte(`{"plan":{"version":1,"severity_scale":"default","review_period":"72h","review_sign_off":` + tc.roles + `}}`))
			if tc.fields == nil {
				require.NoError(t, err)
				require.NoError(t, p.Plan.Validate())
				return
			}
			require.ErrorIs(t, err, prepare.ErrInvalid)
			var pe *prepare.ParseError
			require.ErrorAs(t, err, &pe)
			var fields []string
			for _, p := range pe.Problems {
				fields = append(fields, p.Field)
			}
			assert.Equal(t, tc.fields, fields)
		})
	}
	pl := prepare.Plan{ReviewSignOff: []incident.Role{"ciso"}}
	err := pl.Validate()
	require.ErrorIs(t, err, prepare.ErrInvalid)
	var pe *prepare.ParseError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "review_sign_off[0]", pe.Problems[0].Field)
}
