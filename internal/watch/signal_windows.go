package watch

import (
	"context"
	"os"
	"os/exec"
	"syscall"
)

// signals are the signals a signal:NAME action may send. Windows has no
// signals to send another process; SIGKILL is TerminateProcess. For a
// graceful restart use hook:CMD (your service manager's restart command).
var signals = map[string]syscall.Signal{"SIGKILL": syscall.SIGKILL}

const signalChoice = "Windows can only SIGKILL another process (TerminateProcess); for a graceful restart use hook:CMD"

func sendSignal(pid int, sig syscall.Signal) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	defer p.Release()
	return p.Kill()
}

// shellCommand runs a hook:CMD action's command through cmd.exe, given
// verbatim: Go's argument quoting is not cmd.exe's.
func shellCommand(ctx context.Context, command string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "cmd.exe")
	cmd.SysProcAttr = &syscall.SysProcAttr{CmdLine: `cmd.exe /d /s /c "` + command + `"`}
	return cmd
}

// DefaultRestartActions are watch's --on-restart default: Windows has no
// SIGTERM to ask a process to restart, and killing it is no default.
const DefaultRestartActions = "log"
