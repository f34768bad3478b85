package prepare

import (
	"context"
	"time"

	"github.com/iso27035/iso27035/store"
)

// CollectionName names the documents collection where a tenant's
// preparation is kept: one document per ID the host chooses (e.g.
// "current"), in the generic documents of package store.
const CollectionName = "prepare.preparation"

// collection is the typed view of CollectionName.
func collection() store.Collection[Preparation] {
	return store.Collection[Preparation]{Name: CollectionName}
}

// Committer is the part of store.Store the prepare store needs (an alias
// of store.DocumentStore, which the lessons and coordination stores take
// too).
type Committer = store.DocumentStore

// Store keeps preparations of one tenant in a store's documents.
type Store struct {
	St     Committer
	Tenant string
	// Clock stamps the documents' update time; nil means the system clock.
	Clock func() time.Time
}

// Get reads the preparation id with its stored version; store.ErrNotFound
// when absent.
func (s Store) Get(ctx context.Context, id string) (store.Versioned[Preparation], error) {
	return collection().Get(ctx, s.St, s.Tenant, id)
}

// Put validates p and stores it as id, creating it (version 0) or
// updating the version it was read at (store.ErrConflict when stale).
func (s Store) Put(ctx context.Context, id string, version int64, p *Preparation) error {
	if err := p.Validate(); err != nil {
		return err
	}
	now := time.Now
	if s.Clock != nil {
		now = s.Clock
	}
	return collection().Save(ctx, s.St, s.Tenant, id, version, p, now().UTC())
}
