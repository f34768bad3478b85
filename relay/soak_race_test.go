//go:build race

package relay_test

// soakEntries is how many notifications TestSoak sends: fewer under the
// race detector, which slows the test down about tenfold, so that
// go test -race ./... stays quick.
const soakEntries = 2_000
