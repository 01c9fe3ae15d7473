//go:build unix

package inspector

import (
	"errors"
	"fmt"
	"syscall"
)

// attachMethod names how sendAttach opens an inspector, for messages.
const attachMethod = "SIGUSR1"

// sendAttach asks node process pid to open its inspector: SIGUSR1, which
// node handles by listening on 127.0.0.1:9229 (or its --inspect-port).
func sendAttach(pid int) error {
	if err := syscall.Kill(pid, syscall.SIGUSR1); err != nil {
		if errors.Is(err, syscall.ESRCH) {
			return fmt.Errorf("pid %d: %w", pid, ErrNoProcess)
		}
		return fmt.Errorf("pid %d: sending SIGUSR1 to open its inspector: %v (run as the same user as the target, or start it with --inspect=127.0.0.1:0 and pass host:port)", pid, err)
	}
	return nil
}
