package lessons

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/store"
)

// The documents collections where a tenant's reviews and action items are
// kept, in the generic documents of package store.
const (
	ReviewCollection = "lessons.review"
	ActionCollection = "lessons.action"
)

// Reviews is the typed view of ReviewCollection, indexed by "record"
// (the reviewed record's ID, empty for an exercise) and "subject".
func Reviews() store.Collection[Review] {
	return store.Collection[Review]{Name: ReviewCollection, Index: func(r *Review) map[string]string {
		rec := ""
		if r.RecordID != uuid.Nil {
			rec = r.RecordID.String()
		}
		return map[string]string{"record": rec, "subject": string(r.Subject)}
	}}
}

// Actions is the typed view of ActionCollection, indexed by "review",
// "owner" and "status".
func Actions() store.Collection[ActionItem] {
	return store.Collection[ActionItem]{Name: ActionCollection, Index: func(a *ActionItem) map[string]string {
		st := a.Status
		if st == "" {
			st = StatusOpen
		}
		return map[string]string{"review": a.ReviewID, "owner": string(a.Owner), "status": string(st)}
	}}
}

// Committer is the part of store.Store the lessons store needs (an alias
// of store.DocumentStore, which the prepare and coordination stores take
// too).
type Committer = store.DocumentStore

// Store keeps the reviews and action items of one tenant in a store's
// documents. Every Put validates first and writes nothing when the value
// is invalid; versions are optimistic (store.ErrConflict when stale,
// store.ErrExists for a second create).
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

// GetReview reads review id with its stored version; store.ErrNotFound
// when absent.
func (s Store) GetReview(ctx context.Context, id string) (store.Versioned[Review], error) {
	return Reviews().Get(ctx, s.St, s.Tenant, id)
}

// PutReview validates r and stores it under its ID, creating it (version
// 0) or updating the version it was read at.
func (s Store) PutReview(ctx context.Context, version int64, r *Review) error {
	if err := r.Validate(); err != nil {
		return err
	}
	return Reviews().Save(ctx, s.St, s.Tenant, r.ID, version, r, s.now())
}

// ListReviews returns the reviews whose index holds every pair of match
// ("record", "subject"), in ID order.
func (s Store) ListReviews(ctx context.Context, match map[string]string) ([]store.Versioned[Review], error) {
	return Reviews().All(ctx, s.St, s.Tenant, match)
}

// GetAction reads action item id with its stored version;
// store.ErrNotFound when absent.
func (s Store) GetAction(ctx context.Context, id string) (store.Versioned[ActionItem], error) {
	return Actions().Get(ctx, s.St, s.Tenant, id)
}

// PutAction validates a and stores it under its ID, creating it (version
// 0) or updating the version it was read at.
func (s Store) PutAction(ctx context.Context, version int64, a *ActionItem) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return Actions().Save(ctx, s.St, s.Tenant, a.ID, version, a, s.now())
}

// ListActions returns the action items whose index holds every pair of
// match ("review", "owner", "status"), in ID order.
func (s Store) ListActions(ctx context.Context, match map[string]string) ([]store.Versioned[ActionItem], error) {
	return Actions().All(ctx, s.St, s.Tenant, match)
}
