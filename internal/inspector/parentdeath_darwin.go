package inspector

import (
	"os"
	"syscall"
)

// childAttr puts a launched program in its own process group (a Ctrl-C
// meant for leakhound does not reach it before Stop does). macOS has no
// parent-death signal: if leakhound itself is SIGKILLed the program
// outlives it (a normal exit, Ctrl-C or SIGTERM still stops it).
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

// dieWithUs: nothing to do on macOS (see childAttr).
func dieWithUs(*os.Process) {}
