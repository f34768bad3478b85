package memory

import (
	"context"
	"fmt"
	"iter"
	"maps"

	"github.com/iso27035/iso27035/store"
)

// GetDocument implements store.Documents. ErrNotFound when the tenant has
// no such document.
func (s *Store) GetDocument(ctx context.Context, tenant, collection, id string) (store.Document, error) {
	if err := begin(ctx, tenant); err != nil {
		return store.Document{}, err
	}
	var d *store.Document
	if t := s.tenant(tenant, false); t != nil {
		t.mu.RLock()
		if c := t.docs[collection]; c != nil {
			d, _ = c.get(id)
		}
		t.mu.RUnlock()
	}
	if d == nil {
		return store.Document{}, fmt.Errorf("%w: document %s/%s", store.ErrNotFound, collection, id)
	}
	// Stored documents are never changed: copy unlocked.
	return copyDocument(*d), nil
}

// ListDocuments implements store.Documents: the documents whose Index holds
// every pair of match (all of them for an empty match), in ascending ID
// order (byte order of the strings), a page at a time like List.
func (s *Store) ListDocuments(ctx context.Context, tenant, collection string, match map[string]string) iter.Seq2[store.Document, error] {
	return func(yield func(store.Document, error) bool) {
		if err := begin(ctx, tenant); err != nil {
			yield(store.Document{}, err)
			return
		}
		t := s.tenant(tenant, false)
		if t == nil {
			return
		}
		match := maps.Clone(match)
		cursor := "" // no document has an empty ID
		for {
			page, last, more := t.documentPage(collection, match, cursor, s.page(), s.page()*scanFactor)
			for _, d := range page {
				if err := ctx.Err(); err != nil {
					yield(store.Document{}, err)
					return
				}
				if !yield(copyDocument(*d), nil) {
					return
				}
			}
			if !more {
				return
			}
			if err := ctx.Err(); err != nil {
				yield(store.Document{}, err)
				return
			}
			cursor = last
		}
	}
}

// documentPage returns up to want stored documents of the collection
// matching match with IDs after cursor, examining at most scan; last is the
// ID of the last document examined and more whether any follow it.
func (t *tenant) documentPage(collection string, match map[string]string, cursor string, want, scan int) (page []*store.Document, last string, more bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	c := t.docs[collection]
	if c == nil {
		return nil, cursor, false
	}
	i := c.after(func(d *store.Document) bool { return d.ID > cursor })
	last = cursor
	for n := 0; i < len(c.order) && len(page) < want && n < scan; i, n = i+1, n+1 {
		d := c.order[i]
		last = d.ID
		if indexed(d, match) {
			page = append(page, d)
		}
	}
	return page, last, i < len(c.order)
}

// indexed reports whether d's Index holds every pair of match.
func indexed(d *store.Document, match map[string]string) bool {
	for k, v := range match {
		if got, ok := d.Index[k]; !ok || got != v {
			return false
		}
	}
	return true
}
