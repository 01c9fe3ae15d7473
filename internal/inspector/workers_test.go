package inspector

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestWorkers(t *testing.T) {
	cmd := startNode(t, "--inspect-port=0", "workers.js")
	_, c := attach(t, cmd)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	ws, err := c.Workers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 2 {
		t.Fatalf("workers = %+v, want 2", ws)
	}
	// In creation order: parser, then indexer.
	if !strings.Contains(ws[0].Name(), "parser") || !strings.Contains(ws[1].Name(), "indexer") || !strings.HasSuffix(ws[0].URL, "workers.js") {
		t.Errorf("workers = %+v", ws)
	}
	note := WorkersNote(ws)
	t.Log(note)
	if !strings.Contains(note, "2 worker threads") || !strings.Contains(note, "not in these snapshots") {
		t.Errorf("note = %q", note)
	}
	// Detached again: asking twice gives the same answer, and the main
	// thread still answers.
	if ws2, err := c.Workers(ctx); err != nil || len(ws2) != 2 {
		t.Errorf("second call: %v, %v", ws2, err)
	}
	if _, err := c.Evaluate(ctx, "1", false); err != nil {
		t.Fatal(err)
	}
}

func TestNoWorkers(t *testing.T) {
	cmd := startNode(t, "--inspect-port=0", "idle.js")
	_, c := attach(t, cmd)
	ws, err := c.Workers(context.Background())
	if err != nil || len(ws) != 0 {
		t.Fatalf("workers = %v, %v", ws, err)
	}
	if WorkersNote(ws) != "" {
		t.Error("note for no workers")
	}
}

// TestCaptureWorker: a worker's heap snapshot, taken through the main
// thread's session, holds the worker's objects (which the main thread's
// snapshot does not), and the workers are detached afterwards.
func TestCaptureWorker(t *testing.T) {
	cmd := startNode(t, "--inspect-port=0", "workers.js")
	_, c := attach(t, cmd)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	ss, detach, err := c.AttachWorkers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 2 || !strings.Contains(ss[0].Worker.Name(), "parser") {
		t.Fatalf("sessions %d, first %+v", len(ss), ss)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "w.heapsnapshot")
	res, err := CaptureWorker(ctx, ss[0], path, CaptureOptions{})
	detach()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil || int64(len(b)) != res.Bytes || res.HeapUsed <= 0 {
		t.Fatalf("file %d bytes, result %+v, %v", len(b), res, err)
	}
	if !bytes.Contains(b, []byte(`"WorkerThing"`)) || !bytes.Contains(b, []byte(`parser1999`)) {
		t.Error("the worker's snapshot lacks its objects")
	}
	var main bytes.Buffer
	if _, err := c.TakeHeapSnapshot(ctx, &main, SnapshotOptions{}); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(main.Bytes(), []byte(`parser1999`)) {
		t.Error("the main thread's snapshot holds the worker's objects")
	}
	if ws, err := c.Workers(ctx); err != nil || len(ws) != 2 {
		t.Errorf("after detach: %v, %v", ws, err)
	}
}
