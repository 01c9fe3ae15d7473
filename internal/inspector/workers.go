package inspector

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
)

// Worker is one worker thread (worker_threads) of the target, as node's
// NodeWorker domain describes it. Its heap is a separate V8 isolate: the
// main thread's heap snapshot does not contain it.
type Worker struct {
	ID    string `json:"id"`
	Title string `json:"title"` // the Worker's name option when given, else "[worker N] url"
	URL   string `json:"url"`   // the worker's script
	// session is this connection's NodeWorker session while attached.
	session string
}

// Name is how a note names the worker: node's title ("[worker 1] name")
// and the script's file name.
func (w Worker) Name() string {
	base := path.Base(w.URL)
	w.Title = strings.TrimSpace(w.Title)
	switch {
	case w.Title == "":
		return w.URL
	case w.URL == "" || strings.Contains(w.Title, base):
		return w.Title
	}
	return w.Title + " (" + base + ")"
}

type attachedToWorker struct {
	SessionID  string `json:"sessionId"`
	WorkerInfo struct {
		WorkerID string `json:"workerId"`
		Type     string `json:"type"`
		Title    string `json:"title"`
		URL      string `json:"url"`
	} `json:"workerInfo"`
}

// Workers lists the target's worker threads. NodeWorker.enable attaches
// this session to every running worker (reported as attachedToWorker
// events before its answer; waitForDebuggerOnStart false so no new worker
// is paused), and NodeWorker.disable detaches them again, so the workers
// are not left with a session. A node without the domain (not node, or a
// very old one) answers an error, which is returned.
func (c *Conn) Workers(ctx context.Context) ([]Worker, error) {
	var mu sync.Mutex
	var ws []Worker
	cancel := c.Handle("NodeWorker.attachedToWorker", func(v jsonv2.Value) {
		var a attachedToWorker
		if Decode(v, &a) != nil || a.WorkerInfo.Type != "worker" && a.WorkerInfo.Type != "" {
			return
		}
		mu.Lock()
		ws = append(ws, Worker{ID: a.WorkerInfo.WorkerID, Title: a.WorkerInfo.Title, URL: a.WorkerInfo.URL, session: a.SessionID})
		mu.Unlock()
	})
	defer cancel()
	err := c.Call(ctx, "NodeWorker.enable", map[string]any{"waitForDebuggerOnStart": false}, nil)
	// Always detach, even after an error or a cancelled context: a
	// session left attached would keep every worker's inspector busy.
	derr := c.Call(context.WithoutCancel(ctx), "NodeWorker.disable", nil, nil)
	if err != nil {
		return nil, err
	}
	if derr != nil && !ContextGone(derr) {
		return nil, derr
	}
	mu.Lock()
	defer mu.Unlock()
	out := make([]Worker, len(ws))
	copy(out, ws)
	for i := range out {
		out[i].session = ""
	}
	// Node's title carries the thread id ("[worker 3] name"), which counts
	// in creation order; the inspector's workerId counts attachments.
	sort.SliceStable(out, func(i, j int) bool { return workerNum(out[i]) < workerNum(out[j]) })
	return out, nil
}

// WorkersNote is the one-line note run, capture and watch print when the
// target has worker threads ("" when it has none).
func WorkersNote(ws []Worker) string {
	if len(ws) == 0 {
		return ""
	}
	names := make([]string, 0, len(ws))
	for i, w := range ws {
		if i == 4 {
			names = append(names, fmt.Sprintf("and %d more", len(ws)-i))
			break
		}
		names = append(names, w.Name())
	}
	n := "1 worker thread"
	their := "its heap is"
	if len(ws) > 1 {
		n = fmt.Sprintf("%d worker threads", len(ws))
		their = "their heaps are"
	}
	return fmt.Sprintf("this process runs %s (%s); %s not in these snapshots (leakhound capture PID --worker N|all snapshots a worker)",
		n, strings.Join(names, ", "), their)
}

// ThreadID is the worker's thread id (worker.threadId), read from node's
// title "[worker N] …"; -1 when the title does not carry it.
func (w Worker) ThreadID() int {
	if n := workerNum(w); n < 1<<30 && strings.HasPrefix(w.Title, "[worker ") {
		return n
	}
	return -1
}

func workerNum(w Worker) int {
	id := w.ID
	if rest, ok := strings.CutPrefix(w.Title, "[worker "); ok {
		if k := strings.IndexByte(rest, ']'); k > 0 {
			id = rest[:k]
		}
	}
	n := 0
	for _, r := range id {
		if r < '0' || r > '9' {
			return 1 << 30
		}
		n = n*10 + int(r-'0')
		if n > 1<<30 {
			return 1 << 30
		}
	}
	return n
}
