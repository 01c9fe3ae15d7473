//go:build unix

package inspector

import (
	"errors"
	"syscall"
)

// processAlive tells whether pid exists (ours to signal or not).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	// An exited process its parent has not reaped yet still answers: it
	// is gone all the same.
	return (err == nil || errors.Is(err, syscall.EPERM)) && !zombie(pid)
}

// maySignal tells whether we may signal pid (so open its inspector).
func maySignal(pid int) bool { return syscall.Kill(pid, 0) == nil }
