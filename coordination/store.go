package coordination

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/store"
)

// CaseCollection is the documents collection where a tenant's cases are
// kept, in the generic documents of package store.
const CaseCollection = "coordination.case"

// Cases is the typed view of CaseCollection, indexed by "status",
// "coordinator" and "local" (the LocalID of the Self participant's
// incident, empty when not linked), so the engine's obligation source
// finds the cases of an incident without reading them all.
func Cases() store.Collection[Case] {
	return store.Collection[Case]{Name: CaseCollection, Index: func(c *Case) map[string]string {
		local := ""
		if pt := c.Participant(c.Self); pt != nil && pt.LocalID != uuid.Nil {
			local = pt.LocalID.String()
		}
		return map[string]string{"status": string(c.Status), "coordinator": string(c.Coordinator), "local": local}
	}}
}

// Committer is the part of store.Store the coordination store needs (an
// alias of store.DocumentStore, which the lessons and prepare stores take
// too).
type Committer = store.DocumentStore

// Store keeps the cases of one tenant in a store's documents. Every Put
// validates first and writes nothing when the case is invalid; versions
// are optimistic (store.ErrConflict when stale, store.ErrExists for a
// second create), so two coordinators' desks never overwrite each other.
type Store struct {
	St     Committer
	Tenant string
	// Clock stamps the documents' update time; nil means the system clock.
	Clock func() time.Time
}

func (s Store) now() time.Time {
	if s.Clock != nil {
		return s.Clock().UTC()
	}
	return time.Now().UTC()
}

// Get reads case id with its stored version; store.ErrNotFound when
// absent.
func (s Store) Get(ctx context.Context, id CaseID) (store.Versioned[Case], error) {
	if s.St == nil {
		return store.Versioned[Case]{}, fmt.Errorf("%w: the coordination store has no backing store", ErrInvalid)
	}
	return Cases().Get(ctx, s.St, s.Tenant, string(id))
}

// Put validates c and stores it under its ID, creating it (version 0) or
// updating the version it was read at.
func (s Store) Put(ctx context.Context, version int64, c *Case) error {
	if c == nil || s.St == nil {
		return fmt.Errorf("%w: Put needs a case and a backing store", ErrInvalid)
	}
	if err := c.Validate(); err != nil {
		return err
	}
	return Cases().Save(ctx, s.St, s.Tenant, string(c.ID), version, c, s.now())
}

// Update reads case id, applies op to it and stores the result at the
// version read. When op fails with a refusal (ErrRefused) the case, which
// logged the refusal, is stored anyway and the refusal returned, so every
// refused share leaves its record; any other error stores nothing. A
// concurrent update makes it fail with store.ErrConflict: read again and
// retry, never overwrite.
func (s Store) Update(ctx context.Context, id CaseID, op func(c *Case) error) (*Case, error) {
	v, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	c := &v.Value
	opErr := op(c)
	if opErr != nil && !errors.Is(opErr, ErrRefused) {
		return nil, opErr
	}
	if err := s.Put(ctx, v.Version, c); err != nil {
		return nil, err
	}
	return c, opErr
}

// List returns the cases whose index holds every pair of match
// ("status", "coordinator", "local"), in ID order.
func (s Store) List(ctx context.Context, match map[string]string) ([]store.Versioned[Case], error) {
	if s.St == nil {
		return nil, fmt.Errorf("%w: the coordination store has no backing store", ErrInvalid)
	}
	return Cases().All(ctx, s.St, s.Tenant, match)
}

// CasesOf returns the cases in which org's local incident is id. Only
// cases whose copy belongs to org (Self) are indexed by their local
// incident, which is what an engine of org asks for.
func (s Store) CasesOf(ctx context.Context, org OrgID, id uuid.UUID) ([]store.Versioned[Case], error) {
	all, err := s.List(ctx, map[string]string{"local": id.String()})
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, c := range all {
		if c.Value.Self == org {
			out = append(out, c)
		}
	}
	return out, nil
}
