package prepare_test

import (
	"testing"

	"github.com/iso27035/iso27035/prepare"
	"github.com/iso27035/iso27035/prepare/preparetest"
	"github.com/iso27035/iso27035/store/memory"
)

// The prepare store passes its suite on the memory store.
func TestStoreSuiteMemory(t *testing.T) {
	preparetest.Run(t, func(*testing.T) prepare.Committer { return memory.New() })
}
