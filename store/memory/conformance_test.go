package memory_test

import (
	"testing"

	"github.com/iso27035/iso27035/store"
	"github.com/iso27035/iso27035/store/memory"
	"github.com/iso27035/iso27035/store/storetest"
)

// The memory store passes the conformance suite, with the default page size
// and with pages of one element, which makes every iteration cross page
// boundaries.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(*testing.T) store.Store { return memory.New() })
}

func TestConformanceSmallPages(t *testing.T) {
	storetest.Run(t, func(*testing.T) store.Store { return memory.New(memory.WithPageSize(1)) })
}
