// Package querycheck checks a store's answers to a query against
// store.Query.Match. It is test support: only tests import it.
package querycheck

import (
	"context"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
)

// ListCount checks that s lists, and counts, for q in tenant the records
// of recs that q matches: List their IDs in the order of recs, or in the
// order sortIDs leaves them in when it is not nil, and Count their number.
// It reports a difference as an error prefixed with where, and fails the
// test if List fails.
func ListCount(tb testing.TB, s store.Records, tenant string, q store.Query, recs []incident.Record, sortIDs func([]uuid.UUID), where string) {
	tb.Helper()
	ctx := context.Background()
	var want []uuid.UUID
	for _, r := range recs {
		if q.Match(r) {
			want = append(want, r.Head().ID)
		}
	}
	if sortIDs != nil {
		sortIDs(want)
	}
	var got []uuid.UUID
	for r, err := range s.List(ctx, tenant, q) {
		if err != nil {
			tb.Fatal(err)
		}
		got = append(got, r.Head().ID)
	}
	if !slices.Equal(got, want) {
		tb.Errorf("%s: List %v, want %v", where, got, want)
	}
	if n, err := s.Count(ctx, tenant, q); err != nil || n != len(want) {
		tb.Errorf("%s: Count %d (%v), want %d", where, n, err, len(want))
	}
}
