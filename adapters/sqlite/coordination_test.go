package sqlite_test

import (
	"testing"

	"github.com/iso27035/iso27035/coordination"
	"github.com/iso27035/iso27035/coordination/coordinationtest"
)

// The coordination store (coordinated cases) passes its suite on a
// database file of its own per case.
func TestCoordinationStore(t *testing.T) {
	coordinationtest.Run(t, func(t *testing.T) coordination.Committer { return open(t) })
}
