package postgres_test

import (
	"testing"

	"github.com/iso27035/iso27035/lessons"
	"github.com/iso27035/iso27035/lessons/lessonstest"
)

// The lessons store (reviews and action items) passes its suite on
// PostgreSQL, in a fresh schema per case. Without a test server the test is
// skipped, and fails under CI=true (see testDSN).
func TestLessonsStore(t *testing.T) {
	testDSN(t)
	lessonstest.Run(t, func(t *testing.T) lessons.Committer { return openStore(t) })
}
