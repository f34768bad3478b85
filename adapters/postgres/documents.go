package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/iso27035/iso27035/store"
)

// GetDocument implements store.Documents. ErrNotFound when the tenant has
// no such document.
func (s *Store) GetDocument(ctx context.Context, tenant, collection, id string) (store.Document, error) {
	if err := begin(ctx, tenant); err != nil {
		return store.Document{}, err
	}
	notFound := fmt.Errorf("%w: document %s/%s", store.ErrNotFound, collection, id)
	if !storable(tenant) || !storable(collection) || !storable(id) {
		return store.Document{}, notFound
	}
	d := store.Document{Collection: collection, ID: id}
	var idx, body []byte
	err := s.pool.QueryRow(ctx, s.q.getDocument, tenant, collection, id).Scan(&d.Version, &idx, &body, &d.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Document{}, notFound
	}
	if err != nil {
		return store.Document{}, mapErr(ctx, err)
	}
	return finishDocument(d, idx, body)
}

// finishDocument decodes the index of a document read and sets its body.
func finishDocument(d store.Document, idx, body []byte) (store.Document, error) {
	if idx != nil {
		if err := json.Unmarshal(idx, &d.Index); err != nil {
			return store.Document{}, fmt.Errorf("postgres: decoding the index of document %s/%s: %w", d.Collection, d.ID, err)
		}
	}
	d.Body = body
	d.UpdatedAt = utc(d.UpdatedAt)
	return d, nil
}

// ListDocuments implements store.Documents: the collection's documents
// whose Index holds every pair of match (jsonb containment on the indexed
// idx column; all of them for an empty match), in ascending ID order (byte
// order), a page at a time after the last ID yielded, holding no
// connection while it yields.
func (s *Store) ListDocuments(ctx context.Context, tenant, collection string, match map[string]string) iter.Seq2[store.Document, error] {
	return func(yield func(store.Document, error) bool) {
		if err := begin(ctx, tenant); err != nil {
			yield(store.Document{}, err)
			return
		}
		if !storable(tenant) || !storable(collection) {
			return
		}
		sql, args := s.q.docPage, []any{tenant, collection, "", s.pageSize}
		if len(match) > 0 {
			for k, v := range match {
				if !storable(k) || !storable(v) {
					return // no stored index holds it
				}
			}
			m, err := json.Marshal(match)
			if err != nil {
				yield(store.Document{}, fmt.Errorf("%w: document match: %w", store.ErrInvalid, err))
				return
			}
			sql, args = s.q.docPageMatch, append(args, string(m))
		}
		for {
			page, err := s.documentPage(ctx, collection, sql, args)
			if err != nil {
				yield(store.Document{}, err)
				return
			}
			for _, d := range page {
				if err := ctx.Err(); err != nil {
					yield(store.Document{}, err)
					return
				}
				if !yield(d, nil) {
					return
				}
			}
			if len(page) < s.pageSize {
				return
			}
			args[2] = page[len(page)-1].ID // the cursor; no document has the ID ""
		}
	}
}

// documentPage runs one page query of ListDocuments.
func (s *Store) documentPage(ctx context.Context, collection, sql string, args []any) ([]store.Document, error) {
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, mapErr(ctx, err)
	}
	page, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Document, error) {
		d := store.Document{Collection: collection}
		var idx, body []byte
		var updated time.Time
		if err := row.Scan(&d.ID, &d.Version, &idx, &body, &updated); err != nil {
			return d, err
		}
		d.UpdatedAt = updated
		return finishDocument(d, idx, body)
	})
	if err != nil {
		return nil, mapErr(ctx, err)
	}
	return page, nil
}
