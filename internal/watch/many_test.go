package watch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// fakeTargets stands in for the CLI's attach: a target's agent blocks in
// Connect until its process is "killed" (then ErrGone) or watch stops.
type fakeTargets struct {
	mu       sync.Mutex
	started  []int
	released []int
	bad      map[int]bool
	kill     map[int]chan struct{}
}

func (f *fakeTargets) start(ctx context.Context, pid int) (Started, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.bad[pid] {
		return Started{}, fmt.Errorf("pid %d: cannot attach", pid)
	}
	f.started = append(f.started, pid)
	k := make(chan struct{})
	f.kill[pid] = k
	cfg := Config{Name: fmt.Sprint("t", pid), Connect: func(ctx context.Context) (Conn, error) {
		select {
		case <-k:
			return nil, fmt.Errorf("%w (pid %d)", ErrGone, pid)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}}
	return Started{Config: cfg, Release: func() {
		f.mu.Lock()
		f.released = append(f.released, pid)
		f.mu.Unlock()
	}}, nil
}

func (f *fakeTargets) get(which *[]int) []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(*which)
}

func waitUntil(t *testing.T, cond func() bool, what string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal(what)
		}
	}
}

// Named targets: one that cannot be attached stops everything, and what
// was attached before it is released; when every one has gone, RunMany
// says so.
func TestRunManyNamed(t *testing.T) {
	f := &fakeTargets{bad: map[int]bool{3: true}, kill: map[int]chan struct{}{}}
	err := RunMany(context.Background(), ManyConfig{PIDs: []int{1, 2, 3}, Start: f.start})
	if err == nil || !slices.Equal(f.get(&f.released), []int{1, 2}) && !slices.Equal(f.get(&f.released), []int{2, 1}) {
		t.Fatalf("err %v, released %v", err, f.released)
	}

	f = &fakeTargets{kill: map[int]chan struct{}{}}
	var mu sync.Mutex
	var events []Event
	res := make(chan error, 1)
	go func() {
		res <- RunMany(context.Background(), ManyConfig{PIDs: []int{1, 2}, Start: f.start, OnEvent: func(e Event) {
			mu.Lock()
			events = append(events, e)
			mu.Unlock()
		}})
	}()
	waitUntil(t, func() bool { return len(f.get(&f.started)) == 2 }, "not both started")
	f.mu.Lock()
	close(f.kill[1])
	f.mu.Unlock()
	waitUntil(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(events) == 1 }, "no event for the first gone")
	mu.Lock()
	if e := events[0]; e.Kind != "gone" || e.PID != 1 || e.Target != "t1" {
		t.Errorf("event %+v", e)
	}
	mu.Unlock()
	f.mu.Lock()
	close(f.kill[2])
	f.mu.Unlock()
	if err := <-res; !errors.Is(err, ErrGone) {
		t.Errorf("all gone: %v", err)
	}
	if len(f.get(&f.released)) != 2 {
		t.Errorf("released %v", f.released)
	}
}

// --all: processes there at the start are attached at once; a newcomer
// only once it has been seen in two listings; one that cannot be attached
// is said once and not tried again; one that exits is let go; at the stop
// every agent ends and its target is released.
func TestRunManyAll(t *testing.T) {
	f := &fakeTargets{bad: map[int]bool{9: true}, kill: map[int]chan struct{}{}}
	var mu sync.Mutex
	procs := []int{1, 9}
	lists := 0
	list := func() ([]int, error) {
		mu.Lock()
		defer mu.Unlock()
		lists++
		return slices.Clone(procs), nil
	}
	var evMu sync.Mutex
	var events []Event
	ctx, cancel := context.WithCancel(context.Background())
	res := make(chan error, 1)
	go func() {
		res <- RunMany(ctx, ManyConfig{List: list, Poll: 10 * time.Millisecond, Start: f.start, OnEvent: func(e Event) {
			evMu.Lock()
			events = append(events, e)
			evMu.Unlock()
		}})
	}()
	waitUntil(t, func() bool { return slices.Equal(f.get(&f.started), []int{1}) }, "the first process not attached")
	mu.Lock()
	procs = append(procs, 5)
	at := lists
	mu.Unlock()
	waitUntil(t, func() bool { return len(f.get(&f.started)) == 2 }, "the newcomer not attached")
	mu.Lock()
	if lists < at+2 {
		t.Errorf("the newcomer was attached after %d listing(s)", lists-at)
	}
	mu.Unlock()
	f.mu.Lock()
	close(f.kill[1])
	f.mu.Unlock()
	mu.Lock()
	procs = []int{5, 9}
	mu.Unlock()
	waitUntil(t, func() bool { return slices.Contains(f.get(&f.released), 1) }, "the exited process not released")
	cancel()
	if err := <-res; err != nil {
		t.Errorf("stopped: %v", err)
	}
	if r := f.get(&f.released); len(r) != 2 {
		t.Errorf("released %v", r)
	}
	evMu.Lock()
	defer evMu.Unlock()
	bad := 0
	for _, e := range events {
		if e.Kind == "error" && e.PID == 9 {
			bad++
		}
	}
	if bad != 1 {
		t.Errorf("the unattachable process was reported %d times: %+v", bad, events)
	}
}
