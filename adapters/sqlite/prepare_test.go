package sqlite_test

import (
	"testing"

	"github.com/iso27035/iso27035/prepare"
	"github.com/iso27035/iso27035/prepare/preparetest"
)

// The prepare store passes its suite on a database file of its own per
// case.
func TestPrepareStore(t *testing.T) {
	preparetest.Run(t, func(t *testing.T) prepare.Committer { return open(t) })
}
