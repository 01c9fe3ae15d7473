package inspector

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/pprof/profile"
)

func TestSampleHeapAndPprof(t *testing.T) {
	cmd := startNode(t, "--inspect-port=0", "idle.js")
	_, c := attach(t, cmd)
	ctx := context.Background()
	opts := SampleOptions{Interval: 4096}
	stop := make(chan struct{})
	start := time.Now()
	done := make(chan error, 1)
	go func() {
		// Allocate while sampling: 200 steps keep 20,000 LeakyThings.
		for i := 0; i < 20; i++ {
			if _, err := c.Evaluate(ctx, "for (let k = 0; k < 10; k++) leakStep()", false); err != nil {
				done <- err
				return
			}
		}
		close(stop)
		done <- nil
	}()
	p, err := c.SampleHeap(ctx, 30*time.Second, stop, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	sites, total, samples := Sites(p)
	if len(sites) == 0 || total <= 0 || samples <= 0 {
		t.Fatalf("empty profile: %d sites", len(sites))
	}
	// The leak's allocations (LeakyThing objects and their strings, made in
	// idle.js) must dominate what is still alive.
	var inScript int64
	for _, s := range sites {
		if len(s.Stack) == 0 || s.Stack[0] != s.Frame {
			t.Errorf("site %+v: bad stack", s)
		}
		if code := s.Code(); strings.HasSuffix(code.URL, "idle.js") {
			inScript += s.SelfBytes
			if code.Line <= 0 {
				t.Errorf("site %+v: no line", s)
			}
		}
	}
	if inScript < total/2 {
		for _, s := range sites[:min(5, len(sites))] {
			t.Logf("%d %s %s:%d", s.SelfBytes, s.Function, s.URL, s.Line)
		}
		t.Errorf("idle.js allocations %d of %d", inScript, total)
	}
	if top := sites[0]; !strings.HasSuffix(top.Code().URL, "idle.js") {
		t.Errorf("top site %+v is not in idle.js", top)
	}

	pp := PprofProfile(p, opts, start, time.Since(start))
	if err := pp.CheckValid(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WritePprof(&buf, pp); err != nil {
		t.Fatal(err)
	}
	back, err := profile.Parse(&buf)
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, s := range back.Sample {
		sum += s.Value[1]
	}
	if sum != total || back.DefaultSampleType != "inuse_space" {
		t.Errorf("pprof bytes %d, profile %d, default %s", sum, total, back.DefaultSampleType)
	}
}

func TestSampleTargetDies(t *testing.T) {
	cmd := startNode(t, "--inspect-port=0", "idle.js")
	_, c := attach(t, cmd)
	go func() {
		time.Sleep(300 * time.Millisecond)
		cmd.Process.Kill()
	}()
	_, err := c.SampleHeap(context.Background(), 30*time.Second, nil, SampleOptions{})
	if !errors.Is(err, ErrConnLost) || !strings.Contains(err.Error(), "nothing was saved") {
		t.Fatalf("err = %v", err)
	}
}
