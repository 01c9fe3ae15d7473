package watch

import (
	"context"
	"strings"
	"testing"
)

// Windows can only kill another process: other signals are refused at
// parse time with the alternative, and hooks go through cmd.exe verbatim.
func TestSignalsWindows(t *testing.T) {
	if _, err := ParseSignal("KILL"); err != nil {
		t.Errorf("SIGKILL: %v", err)
	}
	if _, err := ParseSignal("TERM"); err == nil || !strings.Contains(err.Error(), "hook:CMD") {
		t.Errorf("SIGTERM: %v", err)
	}
	cmd := shellCommand(context.Background(), `echo "a b" & exit 3`)
	if _, err := ParseActions(DefaultRestartActions); err != nil {
		t.Errorf("default --on-restart: %v", err)
	}
	if cmd.SysProcAttr == nil || !strings.HasSuffix(cmd.SysProcAttr.CmdLine, `/c "echo "a b" & exit 3"`) {
		t.Errorf("cmd line %+v", cmd.SysProcAttr)
	}
}
