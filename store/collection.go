package store

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"time"
)

// Collection is a typed view of one document collection, for the packages
// above this one: lessons keeps its reviews in a Collection[lessons.Review],
// prepare its plans in a Collection[prepare.Plan]. The store sees only
// Documents; the view encodes T as JSON and derives the indexed fields.
type Collection[T any] struct {
	// Name is the collection's name, e.g. "lessons.review".
	Name string
	// Index returns the fields of v that List may filter on; nil means
	// none.
	Index func(v *T) map[string]string
}

// Versioned is a collection member with the version it was read at.
type Versioned[T any] struct {
	ID      string
	Version int64
	Value   T
}

// Put adds v to w as a document to create (version 0) or update (the
// version it was read at). Commit stores it with the rest of w atomically.
func (c Collection[T]) Put(w *Write, id string, version int64, v *T, now time.Time) error {
	if w == nil || v == nil || id == "" || c.Name == "" {
		return fmt.Errorf("%w: collection %q put needs a write, an ID and a value", ErrInvalid, c.Name)
	}
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("%w: encoding %s %s: %w", ErrInvalid, c.Name, id, err)
	}
	var index map[string]string
	if c.Index != nil {
		index = c.Index(v)
	}
	w.Documents = append(w.Documents, Document{Collection: c.Name, ID: id, Version: version, Index: index, Body: body, UpdatedAt: now.UTC().Truncate(time.Microsecond)})
	return nil
}

// Get reads one member. ErrNotFound when absent.
func (c Collection[T]) Get(ctx context.Context, s Documents, tenant, id string) (Versioned[T], error) {
	d, err := s.GetDocument(ctx, tenant, c.Name, id)
	if err != nil {
		return Versioned[T]{}, err
	}
	return c.decode(d)
}

// List yields the members whose indexed fields hold every pair of match.
func (c Collection[T]) List(ctx context.Context, s Documents, tenant string, match map[string]string) iter.Seq2[Versioned[T], error] {
	return func(yield func(Versioned[T], error) bool) {
		for d, err := range s.ListDocuments(ctx, tenant, c.Name, match) {
			if err != nil {
				yield(Versioned[T]{}, err)
				return
			}
			v, err := c.decode(d)
			if !yield(v, err) || err != nil {
				return
			}
		}
	}
}

func (c Collection[T]) decode(d Document) (Versioned[T], error) {
	out := Versioned[T]{ID: d.ID, Version: d.Version}
	if err := json.Unmarshal(d.Body, &out.Value); err != nil {
		return Versioned[T]{}, fmt.Errorf("store: decoding %s %s: %w", c.Name, d.ID, err)
	}
	return out, nil
}

// DocumentStore is the part of a Store that the packages keeping documents
// need: reading documents and committing writes. lessons, prepare and
// coordination take one, so a host's store, or only its documents part,
// serves them all.
type DocumentStore interface {
	Documents
	Commit(ctx context.Context, tenant string, w *Write) error
}

// Save stores v as member id in a write of its own: created at version 0,
// or updated from the version it was read at (ErrConflict when stale,
// ErrExists for a second create).
func (c Collection[T]) Save(ctx context.Context, s DocumentStore, tenant, id string, version int64, v *T, now time.Time) error {
	w := new(Write)
	if err := c.Put(w, id, version, v, now); err != nil {
		return err
	}
	return s.Commit(ctx, tenant, w)
}

// All collects what List yields, in the store's order (ID order), stopping
// at the first error.
func (c Collection[T]) All(ctx context.Context, s Documents, tenant string, match map[string]string) ([]Versioned[T], error) {
	var out []Versioned[T]
	for v, err := range c.List(ctx, s, tenant, match) {
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
