package inspector

import (
	"os"

	"golang.org/x/sys/windows"
)

// terminateGroup ends the program Launch started as p: a Ctrl-Break to its
// process group (node exits on it, like on SIGTERM), or TerminateProcess
// when hard.
func terminateGroup(p *os.Process, hard bool) {
	if hard {
		_ = p.Kill()
		return
	}
	_ = windows.GenerateConsoleCtrlEvent(windows.CTRL_BREAK_EVENT, uint32(p.Pid))
}
