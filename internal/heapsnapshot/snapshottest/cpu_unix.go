//go:build unix

package snapshottest

import (
	"syscall"
	"time"
)

// CPUTime is the process's user+system CPU time so far: on a busy
// machine it varies far less than wall time.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
