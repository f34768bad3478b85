package postgres_test

import (
	"testing"

	"github.com/iso27035/iso27035/coordination"
	"github.com/iso27035/iso27035/coordination/coordinationtest"
)

// The coordination store (coordinated cases) passes its suite on
// PostgreSQL, in a fresh schema per case. Without a test server the test is
// skipped, and fails under CI=true (see testDSN).
func TestCoordinationStore(t *testing.T) {
	testDSN(t)
	coordinationtest.Run(t, func(t *testing.T) coordination.Committer { return openStore(t) })
}
