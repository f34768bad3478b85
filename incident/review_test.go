package incident_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
)

// TestEscalateTwiceRefused: an event escalated already keeps its incident;
// re-linking it would orphan the first incident's event_ids entry.
func TestEscalateTwiceRefused(t *testing.T) {
	f := incident.NewFactory()
	ev, err := f.NewEvent(context.Background(), "acme", "phishing", "u-1")
	require.NoError(t, err)
	first, err := f.Escalate(context.Background(), ev)
	require.NoError(t, err)
	_, err = f.Escalate(context.Background(), ev)
	require.ErrorIs(t, err, incident.ErrInconsistent)
	assert.Equal(t, first.ID, ev.IncidentID)
}

// TestMarshalByValueKeepsVersionAndExtra: a record held by value encodes
// as the same document as through a pointer.
func TestMarshalByValueKeepsVersionAndExtra(t *testing.T) {
	inc := validIncident(t)
	inc.Extra = map[string]json.RawMessage{"x_host_field": json.RawMessage(`{"a":1}`)}
	byPtr, err := json.Marshal(inc)
	require.NoError(t, err)
	byVal, err := json.Marshal(*inc)
	require.NoError(t, err)
	assert.JSONEq(t, string(byPtr), string(byVal))
	assert.Contains(t, string(byVal), `"schema_version":1`)
	assert.Contains(t, string(byVal), `"x_host_field"`)
	in := map[string]incident.Incident{"k": *inc}
	m, err := json.Marshal(in)
	require.NoError(t, err)
	assert.Contains(t, string(m), `"x_host_field"`)
}

// TestDecoderMaxBytesNoOverflow: the largest limit means "no practical
// limit", not an overflow that reads nothing.
func TestDecoderMaxBytesNoOverflow(t *testing.T) {
	inc := validIncident(t)
	b, err := json.Marshal(inc)
	require.NoError(t, err)
	got, err := incident.Decoder{MaxBytes: math.MaxInt64}.Incident(strings.NewReader(string(b)))
	require.NoError(t, err)
	assert.Equal(t, inc.ID, got.ID)
	_, err = incident.Decoder{MaxBytes: 10}.Incident(strings.NewReader(string(b)))
	assert.True(t, errors.Is(err, incident.ErrTooLarge))
}
