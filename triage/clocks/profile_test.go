package clocks

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const bankJSON = `{
  "name": "German bank, US-listed",
  "gdpr": {"role": "controller", "member_state": "DE", "undue_delay_target": "24h"},
  "nis2": {"entity_type": "essential", "member_state": "DE"},
  "dora": {"entity_type": "credit_institution", "nis2_essential_or_important": true, "member_state": "DE"},
  "cra": {"member_state": "DE"},
  "sec": {"cutoff": "17:30"},
  "circia": {"enabled": false},
  "calendars": [{"name": "DE-BY", "zone": "Europe/Berlin", "from": 2024, "to": 2030, "source": "BayFTG Art. 1",
    "holidays": [{"name": "Fronleichnam", "kind": "easter", "offset": 60}]}],
  "custom": [{"id": "host-board", "regime": "host", "report": "board", "authority": "board", "article": "policy",
    "start": "anchor:classified_major", "period": {"n": 1, "unit": "days"}, "calendar": "DE-BY"}]
}`

func TestParseProfile(t *testing.T) {
	p, err := ParseProfile(strings.NewReader(bankJSON))
	require.NoError(t, err)
	assert.Equal(t, DORACreditInstitution, p.DORA.EntityType)
	b, err := json.Marshal(p)
	require.NoError(t, err)
	q, err := ParseProfile(bytes.NewReader(b))
	require.NoError(t, err, "round trip")
	assert.Equal(t, p, q)
}

func TestProfileNamesEveryBadField(t *testing.T) {
	_, err := ParseProfile(strings.NewReader(`{
	  "gdpr": {"role": "owner", "member_state": "de", "counting": "lunar"},
	  "nis2": {"entity_type": "big", "member_state": "BE"},
	  "dora": {"entity_type": "", "member_state": "DE"},
	  "cra": {"member_state": "DE", "applies_from": "11.09.2026"},
	  "sec": {"cutoff": "5pm"},
	  "hipaa": {"role": "doctor"},
	  "circia": {"enabled": true, "effective_from": "soon"},
	  "calendars": [{"name": "X", "zone": "Mars/Olympus", "from": 2020, "to": 2030, "source": "", "holidays": []}],
	  "custom": [{"id": "gdpr-x", "start": "moon:full", "period": {"n": 0, "unit": "years"}, "calendar": "XX"}]
	}`))
	var pe *ProfileError
	require.ErrorAs(t, err, &pe)
	require.ErrorIs(t, err, ErrInvalidProfile)
	for _, f := range []string{"gdpr.role", "gdpr.member_state", "gdpr.counting", "nis2.entity_type", "nis2.member_state",
		"dora.entity_type", "cra.applies_from", "sec.cutoff", "hipaa.role", "circia.effective_from", "calendars[0]",
		"custom[0].id", "custom[0].regime", "custom[0].report", "custom[0].authority", "custom[0].article",
		"custom[0].start", "custom[0].period", "custom[0].calendar"} {
		assert.True(t, pe.Has(f), "missing problem for %s in %v", f, err)
	}
	_, err = ParseProfile(strings.NewReader(`{"gdpr": {"role": "controller", "member_state": "DE", "extra": 1}}`))
	require.ErrorIs(t, err, ErrInvalidProfile, "unknown fields are refused")
	_, err = ParseProfile(strings.NewReader(`{} {}`))
	require.ErrorIs(t, err, ErrInvalidProfile, "trailing data")
}

func FuzzParseProfile(f *testing.F) {
	f.Add(bankJSON)
	f.Add(`{}`)
	f.Add(`{"nis2": {"entity_type": "essential", "member_state": "FR", "counting": "elapsed"}}`)
	f.Add(`{"custom": [{"id": "a", "start": "submitted:", "period": {"n": 3, "unit": "weeks"}}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseProfile(strings.NewReader(s))
		if err != nil {
			return
		}
		// A valid profile compiles and computes on any incident.
		c, err := Compile(*p)
		require.NoError(t, err)
		_, _ = c.Compute(newInc(anchor("aware", aware), personalData(aware)), utc(aware))
	})
}
