//go:build !unix

package lifecycle_test

import "time"

// processCPU has no portable source outside Unix: cpu-ns/op reads 0 there.
func processCPU() time.Duration { return 0 }
