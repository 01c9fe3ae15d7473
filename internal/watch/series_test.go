package watch

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/inspector"
)

// TestAnalysisRestartsAfterRenumbering: when the analysis finds the ids
// renumbered (an inspector client disconnected), the next analyses compare
// only snapshots from the newest one of the refused set on.
func TestAnalysisRestartsAfterRenumbering(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node")
	}
	dir := t.TempDir()
	_, url := startNode(t, "steady.js")
	var mu sync.Mutex
	var calls [][]string
	var ev events
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err := Run(ctx, Config{Interval: time.Second, DataDir: dir, Connect: dialer(url),
		SnapshotEvery: 300 * time.Millisecond, Keep: 5, SnapshotCount: 4, OnEvent: ev.add,
		Capture: func(ctx context.Context, c Conn, path string) (int64, error) {
			r, err := inspector.Capture(ctx, c.(*inspector.Conn), path, inspector.CaptureOptions{})
			return r.Bytes, err
		},
		Analyze: func(ctx context.Context, snaps []string, out string) (string, error) {
			mu.Lock()
			defer mu.Unlock()
			names := make([]string, len(snaps))
			for i, s := range snaps {
				names[i] = filepath.Base(s)
			}
			calls = append(calls, names)
			if len(calls) == 1 {
				return "", fmt.Errorf("%w: ids differ", ErrRenumbered)
			}
			return "ok", os.WriteFile(out, []byte("report\n"), 0o644)
		}})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) < 2 {
		t.Fatalf("%d analyses, want at least 2: %v", len(calls), calls)
	}
	restart := calls[0][len(calls[0])-1]
	for _, c := range calls[1:] {
		if c[0] != restart {
			t.Errorf("analysis after the renumbering compares %v, want it to start at %s", c, restart)
		}
	}
	if ev.count("error", "") != 0 {
		t.Errorf("renumbering reported as an error: %+v", ev.all)
	}
	found := false
	for _, e := range ev.all {
		found = found || strings.Contains(e.Message, "renumbered")
	}
	if !found {
		t.Error("no event says the ids were renumbered")
	}
}
