package store_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
)

func incidentOf(org string) *incident.Incident {
	return &incident.Incident{Header: incident.Header{ID: uuid.Must(uuid.NewV7()), Org: org}}
}

// embedded satisfies incident.Record by embedding one, but no store can
// give it back from Get.
type embedded struct{ *incident.Incident }

// Check refuses nil records of every form without panicking.
func TestCheckNilRecords(t *testing.T) {
	for _, r := range []incident.Record{nil, (*incident.Event)(nil), (*incident.Incident)(nil), (*incident.Vulnerability)(nil), embedded{}, embedded{incidentOf("acme")}} {
		for _, w := range []*store.Write{{Create: []incident.Record{r}}, {Update: []incident.Record{r}}} {
			var err error
			require.NotPanics(t, func() { err = w.Check() }, "%T", r)
			require.ErrorIs(t, err, store.ErrInvalid, "%T", r)
			require.NotPanics(t, func() { err = w.CheckFor("acme") }, "%T", r)
			require.ErrorIs(t, err, store.ErrInvalid, "%T", r)
		}
	}
	err := (&store.Write{Create: []incident.Record{incidentOf("acme"), (*incident.Incident)(nil)}}).Check()
	assert.EqualError(t, err, "store: invalid argument: create[1] is nil")
	err = (&store.Write{Update: []incident.Record{embedded{incidentOf("acme")}}}).Check()
	assert.EqualError(t, err, "store: invalid argument: update[0] is of an unsupported type (store_test.embedded)")
}

func TestCheckFor(t *testing.T) {
	created, updated := incidentOf("acme"), incidentOf("acme")
	updated.Version = 3
	ok := &store.Write{Create: []incident.Record{created}, Update: []incident.Record{updated}}
	require.NoError(t, ok.CheckFor("acme"))

	for _, tc := range []struct {
		name   string
		tenant string
		w      *store.Write
		want   string
	}{
		{"empty tenant", "", ok, "store: invalid argument: empty tenant"},
		{"Check first", "acme", &store.Write{}, "store: invalid argument: empty write"},
		{"created of another organisation", "globex", &store.Write{Create: []incident.Record{created}},
			`store: invalid argument: created incident ` + created.ID.String() + ` belongs to organisation "acme", not to tenant "globex"`},
		{"updated of no organisation", "acme", &store.Write{Create: []incident.Record{created}, Update: []incident.Record{func() incident.Record {
			r := incidentOf("")
			r.Version = 1
			return r
		}()}}, `belongs to organisation "", not to tenant "acme"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.w.CheckFor(tc.tenant)
			require.ErrorIs(t, err, store.ErrInvalid)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	// A Write without records has no organisation to check.
	require.NoError(t, (&store.Write{Timers: []store.Timer{{Key: "k", DueAt: time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)}}}).CheckFor("acme"))
}

func TestMatchNilRecords(t *testing.T) {
	q := store.Query{Kind: incident.KindIncident}
	for _, r := range []incident.Record{nil, (*incident.Incident)(nil), embedded{}} {
		assert.NotPanics(t, func() { assert.False(t, q.Match(r)) }, "%T", r)
	}
	assert.True(t, q.Match(incidentOf("acme")))
}
