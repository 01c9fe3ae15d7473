//go:build !unix

package heapindex

import "time"

func cpuTime() time.Duration { return 0 }
