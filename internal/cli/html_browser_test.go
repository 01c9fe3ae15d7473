//go:build linux

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/inspector"
	rpt "github.com/leakhound/leakhound/internal/report"
)

// openInChromium opens file in headless Chromium and returns an inspector
// session with the page, or skips when Chromium is not installed.
func openInChromium(t *testing.T, ctx context.Context, file string) *inspector.Conn {
	t.Helper()
	bin := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		t.Skip("no chromium on the PATH")
	}
	profile := t.TempDir()
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
		"--remote-debugging-port=0", "--user-data-dir="+profile, "file://"+file)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
	})
	// Chromium writes the port it chose into the profile once it listens.
	var port int
	for port == 0 {
		if b, err := os.ReadFile(filepath.Join(profile, "DevToolsActivePort")); err == nil {
			if line, _, ok := strings.Cut(string(b), "\n"); ok {
				port, _ = strconv.Atoi(line)
			}
		}
		if port == 0 {
			select {
			case <-ctx.Done():
				t.Fatalf("chromium did not open its debugging port: %s", stderr.String())
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	tg, err := inspector.Resolve(ctx, "127.0.0.1:"+strconv.Itoa(port), inspector.ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := inspector.Dial(ctx, tg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	// The tab starts on an empty document and navigates; evaluations fail
	// while it does. The footer is the end of every report.
	for {
		raw, err := c.Evaluate(ctx, `location.protocol === "file:" && document.readyState === "complete" && !!document.querySelector("p.meta")`, false)
		if err == nil && string(raw) == "true" {
			return c
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the page did not load (%s, %v)", raw, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func evalJSON[T any](t *testing.T, ctx context.Context, c *inspector.Conn, expr string) T {
	t.Helper()
	raw, err := c.Evaluate(ctx, expr, false)
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: %v (%s)", expr, err, raw)
	}
	return v
}

// In a real browser: the page's style and script run under its own
// Content-Security-Policy, a hostile class name stays text, headers sort
// by click and by keyboard, and the dark theme follows the system's.
func TestHTMLInBrowser(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	evil := `<img src=x onerror="document.body.dataset.pwned=1">`
	s := &rpt.Summary{
		Snapshot: rpt.SnapshotTotals{File: "app.heapsnapshot", Nodes: 10, Edges: 20, TotalSize: 10000,
			Breakdown: rpt.Breakdown{Code: 1000, Strings: 2000, JSArrays: 500, System: 100, Native: 50}},
		Classes: []rpt.ClassRow{
			{Name: "Mid", Count: 3, ShallowSize: 30, RetainedSize: 3000, Distance: 2},
			{Name: "Big", Count: 5, ShallowSize: 50, RetainedSize: 2000, Distance: 4},
			{Name: evil, Count: 1, ShallowSize: 10, RetainedSize: 1000, Distance: 3},
		},
	}
	file := filepath.Join(t.TempDir(), "summary.html")
	if err := writeFileAtomic(file, func(w io.Writer) error { return rpt.WriteSummaryHTML(w, s, htmlMeta("summary")) }); err != nil {
		t.Fatal(err)
	}
	c := openInChromium(t, ctx, file)

	if got := evalJSON[string](t, ctx, c, `getComputedStyle(document.body).maxWidth`); got != "1200px" {
		t.Errorf("the page's style did not apply (max-width %q): blocked by its CSP?", got)
	}
	if !evalJSON[bool](t, ctx, c, `document.querySelector("#classes th").tabIndex === 0`) {
		t.Error("the page's script did not run: blocked by its CSP?")
	}
	if n := evalJSON[int](t, ctx, c, `document.querySelectorAll("img").length`); n != 0 {
		t.Errorf("%d img elements: a class name became markup", n)
	}
	if !evalJSON[bool](t, ctx, c, `document.body.dataset.pwned === undefined && document.body.textContent.includes(`+strconv.Quote(evil)+`)`) {
		t.Error("the hostile class name is not plain text")
	}

	order := `[...document.querySelectorAll("#classes tbody tr td:first-child")].map(td => td.textContent.slice(0, 3)).join(",")`
	click := func(col int) {
		evalJSON[any](t, ctx, c, `document.querySelector("#classes thead th:nth-child(`+strconv.Itoa(col)+`)").click()`)
	}
	if got := evalJSON[string](t, ctx, c, order); got != "Mid,Big,<im" {
		t.Fatalf("initial order %s, want the report's (retained size)", got)
	}
	click(2) // Count: numbers sort biggest first
	if got := evalJSON[string](t, ctx, c, order); got != "Big,Mid,<im" {
		t.Errorf("by count: %s", got)
	}
	click(2)
	if got := evalJSON[string](t, ctx, c, order); got != "<im,Mid,Big" {
		t.Errorf("by count, reversed: %s", got)
	}
	click(1) // Class: text sorts A to Z
	if got := evalJSON[string](t, ctx, c, order); got != "<im,Big,Mid" {
		t.Errorf("by class: %s", got)
	}
	evalJSON[any](t, ctx, c, `document.querySelector("#classes thead th:nth-child(3)").dispatchEvent(new KeyboardEvent("keydown", {key: "Enter"}))`)
	if got := evalJSON[string](t, ctx, c, order); got != "Big,<im,Mid" {
		t.Errorf("by distance from the keyboard: %s", got)
	}

	light := evalJSON[string](t, ctx, c, `getComputedStyle(document.body).backgroundColor`)
	if err := c.Call(ctx, "Emulation.setEmulatedMedia", map[string]any{
		"features": []map[string]string{{"name": "prefers-color-scheme", "value": "dark"}}}, nil); err != nil {
		t.Fatal(err)
	}
	if dark := evalJSON[string](t, ctx, c, `getComputedStyle(document.body).backgroundColor`); dark == light {
		t.Errorf("background %s in both themes", dark)
	}
}
