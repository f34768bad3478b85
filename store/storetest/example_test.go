package storetest_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/iso27035/iso27035/store"
	"github.com/iso27035/iso27035/store/memory"
	"github.com/iso27035/iso27035/store/storetest"
)

// A host proves its store from its own tests, next to the store:
//
//	func TestMyStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store { return mystore.Open(t.TempDir()) })
//	}
//
// Here the memory store stands in for the host's.
func ExampleRun() {
	testMyStore := func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) store.Store {
			return memory.New()
		})
	}
	_ = testMyStore // passed to go test as TestMyStore
}

// Another harness (a command checking a deployment's database, a CI job
// outside go test) runs the same cases and prints the failed ones.
func ExampleTestStore() {
	err := storetest.TestStore(func() store.Store { return memory.New() })
	var se *storetest.SuiteError
	if errors.As(err, &se) {
		for _, name := range se.Failed() {
			fmt.Println("FAIL", name)
		}
	}
	fmt.Println("failed:", err != nil)
	// Output:
	// failed: false
}

// A host benchmarks its store on the shared work:
//
//	func BenchmarkMyStore(b *testing.B) {
//		storetest.Bench(b, func(b *testing.B) store.Store { return mystore.Open(b.TempDir()) })
//	}
func ExampleBench() {
	benchmarkMyStore := func(b *testing.B) {
		storetest.Bench(b, func(b *testing.B) store.Store { return memory.New() })
	}
	_ = benchmarkMyStore
}
