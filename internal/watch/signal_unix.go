//go:build unix

package watch

import (
	"context"
	"os/exec"
	"syscall"
)

// signals are the signals a signal:NAME action may send.
var signals = map[string]syscall.Signal{
	"SIGTERM": syscall.SIGTERM, "SIGINT": syscall.SIGINT, "SIGHUP": syscall.SIGHUP,
	"SIGUSR2": syscall.SIGUSR2, "SIGKILL": syscall.SIGKILL, "SIGQUIT": syscall.SIGQUIT,
}

const signalChoice = "want SIGTERM, SIGINT, SIGHUP, SIGUSR2, SIGQUIT or SIGKILL"

func sendSignal(pid int, sig syscall.Signal) error { return syscall.Kill(pid, sig) }

// shellCommand runs a hook:CMD action's command through the shell.
func shellCommand(ctx context.Context, command string) *exec.Cmd {
	return exec.CommandContext(ctx, "/bin/sh", "-c", command)
}

// DefaultRestartActions are watch's --on-restart default.
const DefaultRestartActions = "log,signal:SIGTERM"
