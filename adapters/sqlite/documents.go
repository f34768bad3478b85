package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"

	"github.com/iso27035/iso27035/store"
)

// scanDocument reads id, version, idx, body and updated_at of a document
// of collection.
func scanDocument(collection string, scan func(...any) error) (store.Document, error) {
	d := store.Document{Collection: collection}
	var idx sql.NullString
	var body []byte
	var updated int64
	if err := scan(&d.ID, &d.Version, &idx, &body, &updated); err != nil {
		return d, err
	}
	if idx.Valid {
		if err := json.Unmarshal([]byte(idx.String), &d.Index); err != nil {
			return d, fmt.Errorf("sqlite: stored index of document %s/%s: %w", collection, d.ID, err)
		}
	}
	d.Body = body
	d.UpdatedAt = fromMicros(updated)
	return d, nil
}

// GetDocument implements store.Documents. ErrNotFound when the tenant has
// no such document.
func (s *Store) GetDocument(ctx context.Context, tenant, collection, id string) (store.Document, error) {
	if err := begin(ctx, tenant); err != nil {
		return store.Document{}, err
	}
	row := s.queryRow(ctx, qGetDocument, tenant, collection, id)
	d, err := scanDocument(collection, row.Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Document{}, fmt.Errorf("%w: document %s/%s", store.ErrNotFound, collection, id)
	}
	if err != nil {
		return store.Document{}, dbErr(ctx, "get document", err)
	}
	return d, nil
}

// ListDocuments implements store.Documents: the documents whose Index
// holds every pair of match (all of them for an empty match), in ascending
// ID order (byte order of the strings), a page at a time like List. Each
// pair of match is one EXISTS on the index table.
func (s *Store) ListDocuments(ctx context.Context, tenant, collection string, match map[string]string) iter.Seq2[store.Document, error] {
	return func(yield func(store.Document, error) bool) {
		if err := begin(ctx, tenant); err != nil {
			yield(store.Document{}, err)
			return
		}
		var b strings.Builder
		args := []any{tenant, collection}
		b.WriteString(`SELECT id, version, idx, body, updated_at FROM documents WHERE tenant = ? AND collection = ?`)
		for _, k := range slices.Sorted(maps.Keys(match)) {
			b.WriteString(` AND EXISTS (SELECT 1 FROM document_index x WHERE x.tenant = documents.tenant
				AND x.collection = documents.collection AND x.id = documents.id AND x.key = ? AND x.value = ?)`)
			args = append(args, k, match[k])
		}
		b.WriteString(` AND id > ? ORDER BY id LIMIT ?`)
		query := b.String()
		cursor := "" // no document has an empty ID
		for {
			page, err := s.documentPage(ctx, collection, query, append(args, cursor, s.pageSize))
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
			cursor = page[len(page)-1].ID
		}
	}
}

// documentPage runs a page query of ListDocuments.
func (s *Store) documentPage(ctx context.Context, collection, query string, args []any) ([]store.Document, error) {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, dbErr(ctx, "list documents", err)
	}
	defer func() { _ = rows.Close() }()
	var page []store.Document
	for rows.Next() {
		d, err := scanDocument(collection, rows.Scan)
		if err != nil {
			return nil, dbErr(ctx, "list documents", err)
		}
		page = append(page, d)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr(ctx, "list documents", err)
	}
	return page, nil
}
