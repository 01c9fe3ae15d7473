package inspector

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/heapprofiler"
	cdpruntime "github.com/chromedp/cdproto/runtime"
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

// MapFrames tells built frames through the mapper, once per frame, and
// leaves node's own alone; sites and the pprof profile follow.
func TestMapFrames(t *testing.T) {
	built := &cdpruntime.CallFrame{FunctionName: "r", URL: "file:///app/dist/server.js", LineNumber: 0, ColumnNumber: 1859}
	p := &heapprofiler.SamplingHeapProfile{Head: &heapprofiler.SamplingHeapProfileNode{
		CallFrame: &cdpruntime.CallFrame{FunctionName: "(root)"},
		Children: []*heapprofiler.SamplingHeapProfileNode{
			{ID: 1, CallFrame: built, SelfSize: 4096, Children: []*heapprofiler.SamplingHeapProfileNode{
				{ID: 2, CallFrame: &cdpruntime.CallFrame{FunctionName: "Buffer", URL: "node:buffer", LineNumber: 9}, SelfSize: 100},
			}},
			{ID: 3, CallFrame: &cdpruntime.CallFrame{FunctionName: "r", URL: "file:///app/dist/server.js", LineNumber: 0, ColumnNumber: 1859}, SelfSize: 1024},
		},
	}}
	asked := 0
	MapFrames(p, func(f Frame) (Frame, bool) {
		asked++
		if f.URL != "file:///app/dist/server.js" || f.Line != 1 || f.Column != 1860 {
			t.Errorf("asked for %+v", f)
			return f, false
		}
		return Frame{Function: "onQuote", URL: "/app/src/quotes.ts", Line: 37, Column: 12}, true
	})
	if asked != 1 {
		t.Errorf("mapper asked %d times, want once for the one distinct frame", asked)
	}
	sites, _, _ := Sites(p)
	if len(sites) == 0 || sites[0].Function != "onQuote" || sites[0].URL != "/app/src/quotes.ts" || sites[0].Line != 37 || sites[0].Column != 12 {
		t.Fatalf("sites %+v", sites)
	}
	for _, s := range sites {
		if s.URL == "node:buffer" && (s.Via == nil || s.Via.Function != "onQuote") {
			t.Errorf("node's frame %+v, want it left alone, via onQuote", s)
		}
	}
	pp := PprofProfile(p, SampleOptions{}, time.Now(), time.Second)
	found := false
	for _, fn := range pp.Function {
		found = found || fn.Name == "onQuote" && fn.Filename == "/app/src/quotes.ts"
	}
	if !found {
		t.Errorf("pprof functions %+v", pp.Function)
	}
}
