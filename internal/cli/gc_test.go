package cli

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/nodetest"
	"github.com/leakhound/leakhound/internal/ui"
)

func gcSample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "gctrace", "samples", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func runGCWith(ctx context.Context, stdin io.Reader, args ...string) (stdout, stderr string, code int) {
	var o, e bytes.Buffer
	env := &Env{Stdin: stdin, Stdout: &o, Stderr: &e}
	err := runGC(ctx, env, args)
	code = report(env, err, ctx)
	return o.String(), e.String(), code
}

func TestGCJSONSchema(t *testing.T) {
	path := filepath.Join("..", "..", "testdata", "gctrace", "samples", "node22-pooled-oom.log")
	out, errOut, code := runGCWith(context.Background(), nil, "--json", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var v struct {
		Verdict string `json:"verdict"`
		GCs     *int   `json:"gcs"`
		ByType  []struct {
			Type    string             `json:"type"`
			Count   *int               `json:"count"`
			PauseMs map[string]float64 `json:"pause_ms"`
		} `json:"by_type"`
		Trend map[string]any `json:"post_gc_trend"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	if v.Verdict != "probable-leak" || v.GCs == nil || *v.GCs != 8 || len(v.ByType) != 5 {
		t.Errorf("%+v", v)
	}
	for _, bt := range v.ByType {
		for _, k := range []string{"p50", "p95", "p99", "max", "total"} {
			if _, ok := bt.PauseMs[k]; !ok || bt.Count == nil {
				t.Errorf("%s: pause_ms.%s missing", bt.Type, k)
			}
		}
	}
	for _, k := range []string{"mb_per_hour", "r2", "major_gcs"} {
		if _, ok := v.Trend[k]; !ok {
			t.Errorf("post_gc_trend.%s missing", k)
		}
	}
	if v.Trend["mb_per_hour"] != 36000.0 || v.Trend["major_gcs"] != 5.0 {
		t.Errorf("trend %v", v.Trend)
	}
}

func TestGCTeePassesLinesThrough(t *testing.T) {
	in := gcSample(t, "node22-pooled-oom.log")
	out, errOut, code := runGCWith(context.Background(), bytes.NewReader(in), "--tee", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if out != string(in) {
		t.Errorf("--tee changed the stream:\n%q\nwant\n%q", out, in)
	}
	if !strings.Contains(errOut, "probable leak") || !strings.Contains(errOut, "Mark-Compact (reduce)") {
		t.Errorf("report not on stderr:\n%s", errOut)
	}
}

func TestGCGzipAndSVG(t *testing.T) {
	dir := t.TempDir()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(gcSample(t, "minor-mc.log"))
	zw.Close()
	logPath := filepath.Join(dir, "gc.log.gz")
	os.WriteFile(logPath, gz.Bytes(), 0o644)
	svg := filepath.Join(dir, "chart.svg")
	out, errOut, code := runGCWith(context.Background(), nil, logPath, "--svg", svg)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "Minor Mark-Compact") || !strings.Contains(out, "chart written to") {
		t.Errorf("%s", out)
	}
	b, err := os.ReadFile(svg)
	if err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	polylines := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "polyline" {
			polylines++
		}
	}
	if polylines != 2 {
		t.Errorf("%d polylines, want before and after", polylines)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("temp files left behind: %v", entries)
	}
}

func TestGCBadInput(t *testing.T) {
	for _, args := range [][]string{{}, {"a", "b"}, {filepath.Join(t.TempDir(), "missing.log")}, {"--min-r2", "2", "-"}} {
		_, errOut, code := runGCWith(context.Background(), strings.NewReader(""), args...)
		if code != ExitBadInput || strings.Count(strings.TrimSpace(errOut), "\n") > 0 && !strings.HasPrefix(errOut, "usage") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
	_, errOut, code := runGCWith(context.Background(), strings.NewReader("just\napplication output\n"), "-")
	if code != ExitBadInput || !strings.Contains(errOut, "no V8 GC lines") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	// Under --trace-gc-ignore-scavenger a log is empty until a major GC:
	// the advice must not read as if that flag were wrong.
	if !strings.Contains(errOut, "ignore-scavenger") {
		t.Errorf("no word on --trace-gc-ignore-scavenger: %s", errOut)
	}
}

func TestGCFailOnLeak(t *testing.T) {
	in := gcSample(t, "node22-pooled-oom.log")
	if _, _, code := runGCWith(context.Background(), bytes.NewReader(in), "--fail-on-leak", "-"); code != ExitCheckFailed {
		t.Errorf("exit %d, want 1", code)
	}
	in = gcSample(t, "node8-mark-sweep.log")
	if _, _, code := runGCWith(context.Background(), bytes.NewReader(in), "--fail-on-leak", "-"); code != 0 {
		t.Errorf("exit %d, want 0", code)
	}
}

// TestGCInterruptPrintsSummary: a live pipe that stays open; cancelling
// the context (what Ctrl-C does) prints the summary so far and exits 130.
func TestGCInterruptPrintsSummary(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	sample := gcSample(t, "node8-mark-sweep.log")
	go func() {
		pw.Write(sample)
		// keep the pipe open, like a running app
	}()
	// Ctrl-C once the whole sample has been read (the next read blocks).
	ctx, cancel := context.WithCancel(context.Background())
	in := &readWatcher{r: pr, after: len(sample), then: cancel}
	out, errOut, code := runGCWith(ctx, in, "--json", "-")
	if code != ExitInterrupted {
		t.Fatalf("exit %d, want 130: %s", code, errOut)
	}
	var v struct {
		GCs         int  `json:"gcs"`
		Interrupted bool `json:"interrupted"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil || v.GCs != 4 || !v.Interrupted {
		t.Errorf("%v %+v\n%s", err, v, out)
	}
}

// TestGCInterruptSaidInText: the text report says it was interrupted too.
func TestGCInterruptSaidInText(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	sample := gcSample(t, "node8-mark-sweep.log")
	go pw.Write(sample)
	ctx, cancel := context.WithCancel(context.Background())
	out, errOut, code := runGCWith(ctx, &readWatcher{r: pr, after: len(sample), then: cancel}, "--quiet", "-")
	if code != ExitInterrupted || !strings.Contains(out, "interrupted: this report covers the log read before Ctrl-C") {
		t.Errorf("exit %d: %s%s", code, out, errOut)
	}
}

// TestGCLiveNode is the live use: node --trace-gc app.js piped into
// leakhound gc - --tee. Every line node printed comes out unchanged.
func TestGCLiveNode(t *testing.T) {
	node := nodetest.Path(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "--trace-gc", "--max-old-space-size=24", "--max-semi-space-size=1",
		filepath.Join("..", "..", "testdata", "gctrace", "leak.js"), "150")
	var copyOut bytes.Buffer
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runGCWith(ctx, io.TeeReader(pipe, &copyOut), "--tee", "-")
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if out != copyOut.String() || !strings.HasPrefix(out, "leaky app started\n") {
		t.Errorf("tee output differs from what node printed")
	}
	if !strings.Contains(errOut, "Scavenge") || !strings.Contains(errOut, "isolate ") {
		t.Errorf("report:\n%s", errOut)
	}
}

// TestGCEveryPrintsRunningStatus: --every prints a status line on stderr
// while the stream is still open.
func TestGCEveryPrintsRunningStatus(t *testing.T) {
	pr, pw := io.Pipe()
	// The log stays open until a status line counts its 4 GCs (or a
	// generous deadline passes: then the check below fails).
	stderr := &watchedBuffer{want: "4 GCs", seen: make(chan struct{})}
	go func() {
		pw.Write(gcSample(t, "node8-mark-sweep.log"))
		select {
		case <-stderr.seen:
		case <-time.After(60 * time.Second):
		}
		pw.Close()
	}()
	var o bytes.Buffer
	env := &Env{Stdin: pr, Stdout: &o, Stderr: stderr}
	code := report(env, runGC(context.Background(), env, []string{"--every", "100ms", "-"}), context.Background())
	errOut := stderr.String()
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "leakhound gc ") || !strings.Contains(errOut, "4 GCs") {
		t.Errorf("no running status on stderr: %q", errOut)
	}
}

// TestGCFailOnCurvedLeak is the blind evaluation's repro: a heap rising
// toward its limit along a curve (linear r² 0) must fail --fail-on-leak,
// and the report must print the observed post-GC values, not the line's.
func TestGCFailOnCurvedLeak(t *testing.T) {
	path := filepath.Join("..", "..", "testdata", "gctrace", "near-limit-leak.log.gz")
	out, errOut, code := runGCWith(context.Background(), nil, "--fail-on-leak", "--quiet", path)
	if code != ExitCheckFailed {
		t.Fatalf("exit %d, want 1: %s%s", code, out, errOut)
	}
	if !strings.Contains(out, "9.5 MiB → 57.0 MiB observed") || strings.Contains(out, "109.6") {
		t.Errorf("report:\n%s", out)
	}
	// With the limit known, the report says how close the heap is to it.
	out, _, _ = runGCWith(context.Background(), nil, "--json", "--heap-limit", "64", path)
	var v struct {
		Trend map[string]any `json:"post_gc_trend"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if v.Trend["limit_pct"] != 89.1 || v.Trend["leak_test"] != "monotonic" || v.Trend["last_mb"] != 57.0 {
		t.Errorf("trend %v", v.Trend)
	}
	for _, args := range [][]string{{"--heap-limit", "-1", path}, {"--max-trend-p", "0", path}, {"--near-limit-pct", "101", path}} {
		if _, _, code := runGCWith(context.Background(), nil, args...); code != ExitBadInput {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func gcFixture(t *testing.T, name string) string {
	t.Helper()
	return filepath.Join("..", "..", "testdata", "gctrace", name)
}

// TestGCTruncatedGzip: the evaluation's repro (head -c 2000 of a gzipped
// log). The GCs before the cut are reported, the report says where the
// stream ends, and the exit code is 2 with one line on stderr.
func TestGCTruncatedGzip(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	log, err := os.ReadFile(gcFixture(t, "progress-dots.log"))
	if err != nil {
		t.Fatal(err)
	}
	zw.Write(log)
	zw.Close()
	path := filepath.Join(t.TempDir(), "trunc.log.gz")
	os.WriteFile(path, gz.Bytes()[:gz.Len()/2], 0o644)
	out, errOut, code := runGCWith(context.Background(), nil, "--quiet", path)
	want := fmt.Sprintf("the gzip stream is cut off after %s bytes", ui.Count(int64(gz.Len()/2)))
	if code != ExitBadInput || !strings.Contains(errOut, want) || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if !strings.Contains(out, "warning: "+want) || !strings.Contains(out, "GCs in 1 isolate") || strings.Contains(out, "malformed") {
		t.Errorf("report:\n%s", out)
	}
	out, _, code = runGCWith(context.Background(), nil, "--json", path)
	var v struct {
		GCs       int    `json:"gcs"`
		Truncated string `json:"truncated"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil || code != ExitBadInput || v.GCs == 0 || !strings.HasPrefix(v.Truncated, want) {
		t.Errorf("exit %d %v %+v", code, err, v)
	}
	// Cut inside the header: nothing to report, the same wording.
	os.WriteFile(path, gz.Bytes()[:5], 0o644)
	_, errOut, code = runGCWith(context.Background(), nil, path)
	if code != ExitBadInput || !strings.Contains(errOut, "the gzip stream is cut off after 5 bytes") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// TestGCInconclusiveFailOnLeak: too few major GCs is "inconclusive"; with
// --fail-on-leak it exits 0 unless the heap at least doubled at every step.
func TestGCInconclusiveFailOnLeak(t *testing.T) {
	out, errOut, code := runGCWith(context.Background(), nil, "--fail-on-leak", "--pressure-gc-pct", "50", gcFixture(t, "few-majors-leak.log"))
	if code != ExitCheckFailed || !strings.Contains(out, "inconclusive, likely a leak") {
		t.Errorf("exit %d: %s%s", code, out, errOut)
	}
	out, errOut, code = runGCWith(context.Background(), bytes.NewReader(gcSample(t, "node8-mark-sweep.log")), "--fail-on-leak", "-")
	if code != 0 || !strings.Contains(out, "inconclusive: 2 major GCs, too few to judge a heap trend (need 5)") {
		t.Errorf("exit %d: %s%s", code, out, errOut)
	}
}

// TestGCPrefixedLog: a real trace behind log-collector prefixes reads.
func TestGCPrefixedLog(t *testing.T) {
	out, errOut, code := runGCWith(context.Background(), nil, "--json", gcFixture(t, "prefixed.log"))
	var v struct {
		GCs     int    `json:"gcs"`
		Verdict string `json:"verdict"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil || code != 0 || v.GCs < 30 || v.Verdict != "probable-leak" {
		t.Errorf("exit %d %v %+v %s", code, err, v, errOut)
	}
	// Records that lost V8's prefix are not GC lines, but the error says
	// they are there instead of suggesting --trace-gc.
	in := "[1:0xa]   1\nx0 ms: Scavenge 4.1 (4.2) -> 3.8 (5.2) MB, 1.2 / 0.0 ms  allocation failure; \n"
	_, errOut, code = runGCWith(context.Background(), strings.NewReader(in), "-")
	if code != ExitBadInput || !strings.Contains(errOut, "(2 lines read), but GC records without V8's [pid:0x…] before them on 1 line") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

// readWatcher calls then once a Read is asked for after `after` bytes have
// been read: everything before it has been handed on.
type readWatcher struct {
	r     io.Reader
	after int
	n     int
	then  func()
	once  sync.Once
}

func (w *readWatcher) Read(p []byte) (int, error) {
	if w.n >= w.after {
		w.once.Do(w.then)
	}
	n, err := w.r.Read(p)
	w.n += n
	return n, err
}

// watchedBuffer is a goroutine-safe buffer that closes seen once its
// contents include want.
type watchedBuffer struct {
	mu   sync.Mutex
	b    bytes.Buffer
	want string
	seen chan struct{}
	once sync.Once
}

func (w *watchedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.b.Write(p)
	if strings.Contains(w.b.String(), w.want) {
		w.once.Do(func() { close(w.seen) })
	}
	return n, err
}

func (w *watchedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// TestGCInterruptBeforeFirstByte: Ctrl-C on a pipe that has said nothing
// yet (the first line comes at the first GC) ends at once, exit 130.
func TestGCInterruptBeforeFirstByte(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	done := make(chan int, 1)
	go func() {
		_, _, code := runGCWith(ctx, pr, "--quiet", "-")
		done <- code
	}()
	select {
	case code := <-done:
		if code != ExitInterrupted {
			t.Errorf("exit %d, want 130", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("gc - did not end on Ctrl-C before its first byte")
	}
}
