package store_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/store"
)

func TestOutboxQueryCheck(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, q := range []store.OutboxQuery{
		{}, {State: store.OutboxPending}, {State: store.OutboxDead, Limit: 3},
		{State: store.OutboxLeased, Now: now}, {State: store.OutboxWaiting, Now: now},
	} {
		assert.NoError(t, q.Check(), "%+v", q)
	}
	for _, q := range []store.OutboxQuery{
		{State: "limbo"}, {Limit: -1}, {State: store.OutboxLeased}, {State: store.OutboxWaiting},
	} {
		require.ErrorIs(t, q.Check(), store.ErrInvalid, "%+v", q)
	}
}

func TestOutboxQueryMatch(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	fresh := store.OutboxEntry{}
	leased := store.OutboxEntry{Lease: "l", LeaseUntil: now.Add(time.Second)}
	expired := store.OutboxEntry{Lease: "l", LeaseUntil: now}           // over at exactly LeaseUntil
	listedLeased := store.OutboxEntry{LeaseUntil: now.Add(time.Second)} // as ListOutbox yields it, without its token
	dead := store.OutboxEntry{DeadAt: now}
	for state, want := range map[store.OutboxState][5]bool{
		store.OutboxAny:     {true, true, true, true, true},
		store.OutboxPending: {true, true, true, true, false},
		store.OutboxLeased:  {false, true, false, true, false},
		store.OutboxWaiting: {true, false, true, false, false},
		store.OutboxDead:    {false, false, false, false, true},
	} {
		q := store.OutboxQuery{State: state, Now: now}
		for i, e := range []store.OutboxEntry{fresh, leased, expired, listedLeased, dead} {
			assert.Equal(t, want[i], q.Match(&e), "state %q, entry %d", state, i)
		}
	}
	assert.False(t, (&store.OutboxQuery{State: "limbo"}).Match(&fresh))
}

func TestCursorOf(t *testing.T) {
	assert.True(t, store.OutboxCursor{}.IsZero())
	e := store.OutboxEntry{ID: uuid.MustParse("0196a3c1-0000-7000-8000-00000000000a"), CreatedAt: time.Unix(1, 0).UTC()}
	c := store.CursorOf(&e)
	assert.False(t, c.IsZero())
	assert.Equal(t, store.OutboxCursor{CreatedAt: e.CreatedAt, ID: e.ID}, c)
}
