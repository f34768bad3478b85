package storetest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/store"
	"github.com/iso27035/iso27035/store/memory"
	"github.com/iso27035/iso27035/store/storetest"
)

// The reference implementation passes the suite, through both entry
// points.
func TestRunMemory(t *testing.T) {
	storetest.Run(t, func(*testing.T) store.Store { return memory.New() })
}

func TestRunMemorySmallPages(t *testing.T) {
	storetest.Run(t, func(*testing.T) store.Store { return memory.New(memory.WithPageSize(3)) })
}

func TestTestStoreMemory(t *testing.T) {
	start := time.Now()
	err := storetest.TestStore(func() store.Store { return memory.New() })
	require.NoError(t, err)
	t.Logf("TestStore on the memory store: %v", time.Since(start))
}

func BenchmarkMemory(b *testing.B) {
	storetest.Bench(b, func(*testing.B) store.Store { return memory.New() })
}
