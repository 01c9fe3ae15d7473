//go:build !unix

package snapshottest

import "time"

// CPUTime is 0 here: benchmarks report wall time only.
func CPUTime() time.Duration { return 0 }
