package mcpserver

import (
	"net"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/inspector/livetest"
)

// The capture tool snapshots a live node process by pid, opening its
// inspector with SIGUSR1, and closes that inspector again: nothing listens
// for the target afterwards.
func TestAgentCapturesAndClosesInspector(t *testing.T) {
	port := livetest.InspectPort(t)
	cmd := livetest.Start(t, "--inspect-port=127.0.0.1:"+port, "idle.js")
	dir := t.TempDir()
	cs := connect(t, dir)
	var out struct {
		File  string
		Bytes int64
	}
	call(t, cs, "capture", map[string]any{"target": strconv.Itoa(cmd.Process.Pid)}, &out, false)
	if st, err := os.Stat(out.File); err != nil || st.Size() != out.Bytes || out.Bytes == 0 {
		t.Fatalf("capture wrote %+v: %v", out, err)
	}
	var sum struct{ Total int }
	call(t, cs, "summary", map[string]any{"file": out.File}, &sum, false)
	if sum.Total == 0 {
		t.Errorf("summary of the captured snapshot is empty")
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+port, time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatalf("the target's inspector still listens on %s after capture", port)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
