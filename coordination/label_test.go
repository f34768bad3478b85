package coordination_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/coordination"
	"github.com/iso27035/iso27035/incident"
)

func TestLabel(t *testing.T) {
	for i, l := range coordination.Labels() {
		tlp := incident.TLPs()[i]
		assert.Equal(t, tlp, l.TLP())
		assert.Equal(t, l, coordination.LabelOf(tlp))
		assert.Equal(t, tlp.String(), l.String())
		for _, s := range []string{tlp.String(), string(tlp)} {
			got, err := coordination.ParseLabel(s)
			require.NoError(t, err, s)
			assert.Equal(t, l, got)
		}
		b, err := json.Marshal(l)
		require.NoError(t, err)
		assert.JSONEq(t, `"`+string(tlp)+`"`, string(b), "cases name labels as records do")
		var back coordination.Label
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, l, back)
	}
	white, err := coordination.ParseLabel("TLP:WHITE")
	require.NoError(t, err)
	assert.Equal(t, coordination.TLPClear, white, "TLP 1.0 WHITE is TLP 2.0 CLEAR")
	for _, bad := range []string{"", "TLP: RED", "TLP:AMBER STRICT", "secret", "TLP:"} {
		_, err := coordination.ParseLabel(bad)
		require.ErrorIs(t, err, coordination.ErrInvalid, bad)
	}
	assert.False(t, coordination.Label(0).Valid())
	assert.Equal(t, incident.TLPUnset, coordination.Label(9).TLP())
	_, err = json.Marshal(coordination.Label(0))
	require.Error(t, err)
	assert.Equal(t, coordination.TLPRed, coordination.Strictest(coordination.TLPGreen, coordination.TLPRed, coordination.TLPAmber))
	assert.Zero(t, coordination.Strictest())
}
