package inspector

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// lsofListening lists pid's listening TCP sockets with lsof. It is how
// macOS finds them (no /proc there); it is built everywhere so the live
// test runs it on Linux too, where lsof prints the same -F format.
func lsofListening(pid int) ([]string, error) {
	path, err := exec.LookPath("lsof")
	if err != nil {
		return nil, fmt.Errorf("%w: finding its listening sockets needs lsof, which is not on PATH; start the target with --inspect=127.0.0.1:0 and pass host:port", ErrNoInspector)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, path, lsofArgs(pid)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	// lsof exits 1 when nothing matched: a process without listening
	// sockets, which is an empty list and no error.
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 1 && strings.TrimSpace(stderr.String()) == "") {
		msg := strings.TrimSpace(stderr.String())
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("lsof could not list its sockets (%s): run as the same user as the target, or start it with --inspect=127.0.0.1:0 and pass host:port", msg)
	}
	return parseLsof(stdout.String(), pid), nil
}
