package lessons_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/lessons"
)

func TestCloseNeedsVerification(t *testing.T) {
	at := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	a := lessons.ActionItem{ID: "AI-1", ReviewID: "PIR-1", Title: "External sender banner", Owner: "mail-team", Control: "8.7"}
	err := a.Close(nil, at)
	var ue *lessons.UnverifiedError
	require.True(t, errors.As(err, &ue))
	require.ErrorIs(t, err, lessons.ErrUnverified)
	assert.Equal(t, "AI-1", ue.ItemID)
	assert.Equal(t, lessons.Status(""), a.Status)

	require.ErrorIs(t, a.Close(&lessons.Verification{By: "ciso", At: at, Method: "simulation"}, at), lessons.ErrUnverified)
	require.ErrorIs(t, a.Close(&lessons.Verification{By: "ciso", Effective: true}, at), lessons.ErrUnverified)

	v := &lessons.Verification{By: "ciso", At: at, Method: "phishing simulation: 2% clicked", Effective: true}
	require.NoError(t, a.Close(v, at))
	assert.Equal(t, lessons.StatusDone, a.Status)
	assert.Equal(t, at, a.ClosedAt)
	require.NoError(t, a.Validate())
	require.ErrorIs(t, a.Close(v, at), lessons.ErrInvalid)

	// Done without verification does not validate (so the store refuses it).
	b := lessons.ActionItem{ID: "AI-2", ReviewID: "PIR-1", Title: "x", Owner: "o", Status: lessons.StatusDone}
	require.ErrorIs(t, b.Validate(), lessons.ErrInvalid)
}

func TestOverdue(t *testing.T) {
	now := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	items := []lessons.ActionItem{
		{ID: "c", Due: now.Add(-time.Hour)},
		{ID: "a", Due: now.Add(-48 * time.Hour)},
		{ID: "b", Due: now.Add(-time.Hour), Status: lessons.StatusDone},
		{ID: "d", Due: now.Add(time.Hour)},
		{ID: "e"},
		{ID: "f", Due: now.Add(-time.Hour), Status: lessons.StatusCancelled},
		{ID: "g", Due: now.Add(-time.Hour), Status: lessons.StatusInProgress},
	}
	var ids []string
	for _, a := range lessons.Overdue(items, now) {
		ids = append(ids, a.ID)
	}
	assert.Equal(t, []string{"a", "c", "g"}, ids)
}

func TestControls(t *testing.T) {
	cat := lessons.NewCatalog(lessons.Control{ID: "ACME-1", Title: "Mail banner"})
	for _, id := range []string{"5.24", "5.25", "5.26", "5.27", "5.28", "6.8", "8.7", "8.8", "8.15", "8.16", "ACME-1"} {
		c, ok := cat.Lookup(id)
		require.True(t, ok, id)
		assert.NotEmpty(t, c.Title)
	}
	l := cat.List()
	assert.Equal(t, "5.7", l[0].ID)
	assert.Equal(t, "5.24", l[1].ID)
	assert.Equal(t, "8.16", l[len(l)-2].ID)
	assert.Equal(t, "ACME-1", l[len(l)-1].ID)
}
