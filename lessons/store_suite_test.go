package lessons_test

import (
	"testing"

	"github.com/iso27035/iso27035/lessons"
	"github.com/iso27035/iso27035/lessons/lessonstest"
	"github.com/iso27035/iso27035/store/memory"
)

// The lessons store passes its suite on the memory store.
func TestStoreSuiteMemory(t *testing.T) {
	lessonstest.Run(t, func(*testing.T) lessons.Committer { return memory.New() })
}
