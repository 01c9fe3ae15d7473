package inspector

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// attachMethod names how sendAttach opens an inspector, for messages.
const attachMethod = "process._debugProcess"

// sendAttach asks node process pid to open its inspector. Windows has no
// SIGUSR1; node's own way is process._debugProcess(pid), run from another
// node process, which makes the target open its inspector on
// 127.0.0.1:9229 (or its --inspect-port) as SIGUSR1 does elsewhere.
func sendAttach(pid int) error {
	node, err := exec.LookPath("node")
	if err != nil {
		return fmt.Errorf("pid %d: %w: on Windows, opening a running process's inspector runs node -e \"process._debugProcess(%d)\", and node is not on PATH; put it there, or start the target with --inspect=127.0.0.1:0 and pass host:port", pid, ErrNoInspector, pid)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, node, debugProcessArgs(pid)...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := firstLine(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return fmt.Errorf("pid %d: node -e \"process._debugProcess(%d)\" failed: %s (run as the same user as the target, or start it with --inspect=127.0.0.1:0 and pass host:port)", pid, pid, msg)
	}
	return nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	return s
}

// debugProcessArgs is node's argument list that opens pid's inspector;
// a failure prints just its message (not a stack) for firstLine.
func debugProcessArgs(pid int) []string {
	return []string{"-e", "try { process._debugProcess(" + strconv.Itoa(pid) + ") } catch (e) { console.error(e.message); process.exit(1) }"}
}
