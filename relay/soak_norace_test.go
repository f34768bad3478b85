//go:build !race

package relay_test

// soakEntries is how many notifications TestSoak sends.
const soakEntries = 10_000
