package prepare_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/prepare"
	"github.com/iso27035/iso27035/store"
	"github.com/iso27035/iso27035/store/memory"
)

func TestStoreMemory(t *testing.T) {
	ctx := context.Background()
	s := prepare.Store{St: memory.New(), Tenant: "acme"}
	_, err := s.Get(ctx, "current")
	assert.ErrorIs(t, err, store.ErrNotFound)
	p, _ := ready()
	require.NoError(t, s.Put(ctx, "current", 0, p))
	got, err := s.Get(ctx, "current")
	require.NoError(t, err)
	assert.Equal(t, 2, got.Value.Policy.Version)
	assert.Len(t, got.Value.Playbooks.Playbooks, len(p.Playbooks.Playbooks))
	got.Value.Policy.Version = 3
	require.NoError(t, s.Put(ctx, "current", got.Version, &got.Value))
	assert.ErrorIs(t, s.Put(ctx, "current", got.Version, &got.Value), store.ErrConflict)
	other := prepare.Store{St: s.St, Tenant: "other"}
	_, err = other.Get(ctx, "current")
	assert.ErrorIs(t, err, store.ErrNotFound)
}
