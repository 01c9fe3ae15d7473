package inspector

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
)

// WorkerSession is an inspector session with one worker thread, carried
// inside the main session (NodeWorker.sendMessageToWorker out,
// NodeWorker.receivedMessageFromWorker back): node opens no port of its own
// for a worker. It supports what a heap snapshot needs.
type WorkerSession struct {
	Worker Worker
	c      *Conn

	mu      sync.Mutex
	nextID  int64
	pending map[int64]chan response
	chunk   func(string) // the current snapshot's chunk writer
}

type workerMessage struct {
	SessionID string `json:"sessionId"`
	Message   string `json:"message"`
}

// AttachWorkers attaches to every worker thread of the target and returns
// a session per worker, in creation order. detach ends them all
// (NodeWorker.disable); call it when done, also after errors.
func (c *Conn) AttachWorkers(ctx context.Context) (ss []*WorkerSession, detach func(), err error) {
	bySession := map[string]*WorkerSession{}
	var mu sync.Mutex
	cancelAttach := c.Handle("NodeWorker.attachedToWorker", func(v jsonv2.Value) {
		var a attachedToWorker
		if Decode(v, &a) != nil || a.WorkerInfo.Type != "worker" && a.WorkerInfo.Type != "" {
			return
		}
		s := &WorkerSession{c: c, pending: map[int64]chan response{},
			Worker: Worker{ID: a.WorkerInfo.WorkerID, Title: a.WorkerInfo.Title, URL: a.WorkerInfo.URL, session: a.SessionID}}
		mu.Lock()
		bySession[a.SessionID] = s
		ss = append(ss, s)
		mu.Unlock()
	})
	cancelMsgs := c.Handle("NodeWorker.receivedMessageFromWorker", func(v jsonv2.Value) {
		var m workerMessage
		if Decode(v, &m) != nil {
			return
		}
		mu.Lock()
		s := bySession[m.SessionID]
		mu.Unlock()
		if s != nil {
			s.receive(m.Message)
		}
	})
	detach = func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = c.Call(dctx, "NodeWorker.disable", nil, nil)
		cancelAttach()
		cancelMsgs()
		mu.Lock()
		for _, s := range ss {
			s.fail(ErrClosed)
		}
		mu.Unlock()
	}
	if err := c.Call(ctx, "NodeWorker.enable", map[string]any{"waitForDebuggerOnStart": false}, nil); err != nil {
		detach()
		return nil, func() {}, err
	}
	mu.Lock()
	out := append([]*WorkerSession(nil), ss...)
	mu.Unlock()
	sortSessions(out)
	return out, detach, nil
}

func sortSessions(ss []*WorkerSession) {
	for i := 1; i < len(ss); i++ {
		for j := i; j > 0 && workerNum(ss[j].Worker) < workerNum(ss[j-1].Worker); j-- {
			ss[j], ss[j-1] = ss[j-1], ss[j]
		}
	}
}

// receive handles one message from the worker (on the main connection's
// read loop, in order: a snapshot's chunks come before its response).
func (s *WorkerSession) receive(text string) {
	var m wireMessage
	if jsonv2.Unmarshal([]byte(text), &m, jsonOpts) != nil {
		return
	}
	if m.Method == "HeapProfiler.addHeapSnapshotChunk" {
		var ev struct {
			Chunk string `json:"chunk"`
		}
		if Decode(m.Params, &ev) == nil {
			s.mu.Lock()
			fn := s.chunk
			s.mu.Unlock()
			if fn != nil {
				fn(ev.Chunk)
			}
		}
		return
	}
	if m.ID == 0 {
		return
	}
	s.mu.Lock()
	ch := s.pending[m.ID]
	delete(s.pending, m.ID)
	s.mu.Unlock()
	if ch == nil {
		return
	}
	if m.Error != nil {
		ch <- response{err: m.Error}
		return
	}
	ch <- response{result: append(jsonv2.Value(nil), m.Result...)}
}

func (s *WorkerSession) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, ch := range s.pending {
		ch <- response{err: err}
		delete(s.pending, id)
	}
}

// Call sends one command to the worker and waits for its answer.
func (s *WorkerSession) Call(ctx context.Context, method string, params, result any) error {
	s.mu.Lock()
	s.nextID++
	id := s.nextID
	ch := make(chan response, 1)
	s.pending[id] = ch
	s.mu.Unlock()
	msg, err := jsonv2.Marshal(request{ID: id, Method: method, Params: params}, jsonOpts)
	if err != nil {
		return err
	}
	if err := s.c.Call(ctx, "NodeWorker.sendMessageToWorker", map[string]any{"sessionId": s.Worker.session, "message": string(msg)}, nil); err != nil {
		s.mu.Lock()
		delete(s.pending, id)
		s.mu.Unlock()
		return err
	}
	select {
	case r := <-ch:
		if r.err != nil {
			return fmt.Errorf("worker %s: %s: %w", s.Worker.Name(), method, r.err)
		}
		if result != nil && len(r.result) > 0 {
			return Decode(r.result, result)
		}
		return nil
	case <-ctx.Done():
		s.mu.Lock()
		delete(s.pending, id)
		s.mu.Unlock()
		return ctx.Err()
	case <-s.c.Done():
		return s.c.Err()
	}
}

// HeapUsage is the worker's JS heap: used and total bytes.
func (s *WorkerSession) HeapUsage(ctx context.Context) (used, total int64, err error) {
	var u struct {
		UsedSize  float64 `json:"usedSize"`
		TotalSize float64 `json:"totalSize"`
	}
	if err := s.Call(ctx, "Runtime.getHeapUsage", nil, &u); err != nil {
		return 0, 0, err
	}
	return int64(u.UsedSize), int64(u.TotalSize), nil
}

// TakeHeapSnapshot streams a heap snapshot of the worker's isolate to w,
// with the Debugger domain enabled meanwhile as Conn.TakeHeapSnapshot does.
func (s *WorkerSession) TakeHeapSnapshot(ctx context.Context, w io.Writer, opts SnapshotOptions) (int64, error) {
	if !opts.NoDebuggerEnable {
		if off, err := debuggerOn(ctx, s); err == nil {
			defer off()
		}
	}
	var (
		mu      sync.Mutex
		written int64
		werr    error
	)
	s.mu.Lock()
	s.chunk = func(c string) {
		mu.Lock()
		defer mu.Unlock()
		if werr != nil {
			return
		}
		n, err := io.WriteString(w, c)
		written += int64(n)
		werr = err
		if err == nil && opts.Progress != nil {
			opts.Progress(written)
		}
	}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.chunk = nil
		s.mu.Unlock()
	}()
	err := s.Call(ctx, "HeapProfiler.takeHeapSnapshot", map[string]any{"reportProgress": false}, nil)
	mu.Lock()
	defer mu.Unlock()
	switch {
	case err != nil:
		return written, err
	case werr != nil:
		return written, werr
	case written == 0:
		return 0, errors.New("the worker sent an empty heap snapshot")
	}
	return written, nil
}

// CaptureWorker is Capture for a worker thread: the snapshot of its
// isolate, written atomically to path after the free-disk check.
func CaptureWorker(ctx context.Context, s *WorkerSession, path string, opts CaptureOptions) (CaptureResult, error) {
	return capture(ctx, path, opts, s.HeapUsage, s.TakeHeapSnapshot)
}
