package inspector

import (
	"os"
	"syscall"
)

// childAttr puts a launched program in its own process group (a Ctrl-C
// meant for leakhound does not reach it before Stop does) and has the
// kernel SIGKILL it when leakhound dies. Pdeathsig follows the OS thread
// that started the child, which Go only retires for goroutines that lock
// threads, and nothing here does.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// dieWithUs: childAttr's Pdeathsig already ties the child to us.
func dieWithUs(*os.Process) {}
