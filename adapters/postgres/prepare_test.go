package postgres_test

import (
	"testing"

	"github.com/iso27035/iso27035/prepare"
	"github.com/iso27035/iso27035/prepare/preparetest"
)

// The prepare store passes its suite on PostgreSQL, in a fresh schema per
// case. Without a test server the test is skipped, and fails under CI=true
// (see testDSN).
func TestPrepareStore(t *testing.T) {
	testDSN(t)
	preparetest.Run(t, func(t *testing.T) prepare.Committer { return openStore(t) })
}
