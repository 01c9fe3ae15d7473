//go:build unix

package inspector

import (
	"os"
	"syscall"
)

// terminateGroup ends the process group led by p (a program Launch
// started): SIGTERM, or SIGKILL when hard.
func terminateGroup(p *os.Process, hard bool) {
	sig := syscall.SIGTERM
	if hard {
		sig = syscall.SIGKILL
	}
	_ = syscall.Kill(-p.Pid, sig)
}
