package sqlite_test

import (
	"testing"

	"github.com/iso27035/iso27035/lessons"
	"github.com/iso27035/iso27035/lessons/lessonstest"
)

// The lessons store (reviews and action items) passes its suite on a
// database file of its own per case.
func TestLessonsStore(t *testing.T) {
	lessonstest.Run(t, func(t *testing.T) lessons.Committer { return open(t) })
}
