package sqlite_test

import (
	"testing"

	"github.com/iso27035/iso27035/adapters/sqlite"
	"github.com/iso27035/iso27035/store"
	"github.com/iso27035/iso27035/store/storetest"
)

// The shared benchmarks of the conformance suite, comparable across stores,
// on a file with the default synchronous=FULL, and with NORMAL for
// comparison.
func BenchmarkSuite(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) store.Store { return open(b) })
}

func BenchmarkSuiteSynchronousNormal(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) store.Store { return open(b, sqlite.WithSynchronous(sqlite.SynchronousNormal)) })
}
