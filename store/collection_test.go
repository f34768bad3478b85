package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/iso27035/iso27035/store"
	"github.com/iso27035/iso27035/store/memory"
)

type note struct {
	Text string `json:"text"`
	Tag  string `json:"tag"`
}

func TestCollectionSaveAndAll(t *testing.T) {
	ctx := context.Background()
	st := memory.New()
	notes := store.Collection[note]{Name: "test.note", Index: func(n *note) map[string]string { return map[string]string{"tag": n.Tag} }}
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	for _, id := range []string{"b", "a", "c"} {
		if err := notes.Save(ctx, st, "t", id, 0, &note{Text: id, Tag: map[bool]string{true: "x", false: "y"}[id != "c"]}, now); err != nil {
			t.Fatal(err)
		}
	}
	if err := notes.Save(ctx, st, "t", "a", 0, &note{Text: "again"}, now); !errors.Is(err, store.ErrExists) {
		t.Fatalf("second create: %v, want ErrExists", err)
	}
	if err := notes.Save(ctx, st, "t", "a", 1, &note{Text: "a2", Tag: "x"}, now); err != nil {
		t.Fatal(err)
	}
	if err := notes.Save(ctx, st, "t", "a", 1, &note{Text: "stale"}, now); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale update: %v, want ErrConflict", err)
	}
	all, err := notes.All(ctx, st, "t", map[string]string{"tag": "x"})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].ID != "a" || all[0].Version != 2 || all[0].Value.Text != "a2" || all[1].ID != "b" {
		t.Fatalf("All = %+v, want a (version 2) then b", all)
	}
	none, err := notes.All(ctx, st, "other", nil)
	if err != nil || len(none) != 0 {
		t.Fatalf("another tenant: %v %v", none, err)
	}
}
