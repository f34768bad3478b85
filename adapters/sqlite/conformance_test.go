package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/iso27035/iso27035/adapters/sqlite"
	"github.com/iso27035/iso27035/store"
	"github.com/iso27035/iso27035/store/storetest"
)

// open opens a new database file in a temporary directory, closed when the
// test ends.
func open(t testing.TB, opts ...sqlite.Option) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "store.db"), opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// The store passes the conformance suite on a file, with the default page
// size and with pages of one element (every iteration crosses page
// boundaries), and in memory.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return open(t) })
}

func TestConformanceSmallPages(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return open(t, sqlite.WithPageSize(1)) })
}

func TestConformanceMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := sqlite.Open(context.Background(), sqlite.Memory)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	})
}
