package coordination_test

import (
	"testing"

	"github.com/iso27035/iso27035/coordination"
	"github.com/iso27035/iso27035/coordination/coordinationtest"
	"github.com/iso27035/iso27035/store/memory"
)

func TestStoreSuiteMemory(t *testing.T) {
	coordinationtest.Run(t, func(t *testing.T) coordination.Committer { return memory.New() })
}
