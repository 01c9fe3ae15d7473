package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// chromium finds Debian's chromium (or another Chromium/Chrome). In CI the
// browser test must run: a missing browser fails there (.ci/run installs
// it) and is skipped only on a developer's machine.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI is set but no chromium is installed (apt-get install -y chromium): the browser test must not be skipped in CI")
	}
	t.Skip("chromium is not installed (apt-get install -y chromium)")
	return ""
}

// syncBuffer is a bytes.Buffer safe to read while a command (a server,
// a watch) writes it from another goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServe runs `leakhound serve args` in the background and returns its
// URL; the server stops when the test ends.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	var out, errb syncBuffer
	go func() {
		done <- serve(ctx, &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb}, args, func(u string) { urls <- u })
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v\n%s", err, errb.String())
		}
	})
	select {
	case u := <-urls:
		if !strings.Contains(out.String(), u) {
			t.Errorf("serve did not print its URL %s: %q", u, out.String())
		}
		return u
	case err := <-done:
		t.Fatalf("serve ended: %v\n%s", err, errb.String())
	case <-time.After(time.Minute):
		t.Fatal("serve did not listen within a minute")
	}
	return ""
}

// browser starts headless chromium with a fresh profile and nothing that
// calls home.
func browser(t *testing.T, width, height int) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(width, height),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	// A loaded CI machine is slow: generous, but bounded.
	ctx, cancelC := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() { cancelC(); cancelB(); cancelA() })
	return ctx
}

// waitText waits until the element matching sel contains want.
func waitText(sel, want string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		expr := `(()=>{const e=document.querySelector(` + jsString(sel) + `);return e?e.innerText:""})()`
		for {
			got, err := chromedp.Evaluate[string](expr)(ctx, t)
			if err != nil {
				return err
			}
			if strings.Contains(got, want) {
				return nil
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("waiting for %q in %s (it holds %q): %w", want, sel, got, ctx.Err())
			case <-time.After(100 * time.Millisecond):
			}
		}
	})
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}

func screenshot(dir, name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		png, err := chromedp.CaptureScreenshot()(ctx, t)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, name), png, 0o644)
	})
}

// TestServeInBrowser walks the UI as a person would on a real leaking
// series written by node: Summary → class → object → retainers and paths,
// then the leak report and a link on its path.
func TestServeInBrowser(t *testing.T) {
	chromium(t)
	dir := leakScenario(t, "event-listener")
	// The program's scripts are under the root: the report says where
	// the listeners are added, as leaks does.
	url := startServe(t, dir, "--quiet", "--root", filepath.Join("..", "..", "testdata", "scenarios"))
	shots := os.Getenv("LEAKHOUND_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	ctx := browser(t, 1280, 860)
	var text string
	err := chromedp.Do(ctx,
		// The leak report comes first for a series.
		chromedp.Navigate(url),
		waitText("main", "leak suspect"),
		waitText(".suspect", "event-listener"),
		waitText(".suspect", "RequestContext"),
		waitText(".suspect", "added at"),
		waitText(".suspect", "this.eventBus.on('response'"),
		waitText(".suspect", "emitter"),
		screenshot(shots, "leaks.png"),

		// Summary of the last snapshot, filtered to the leaking class.
		chromedp.Navigate(url+"#/summary/2"),
		chromedp.WaitVisible(chromedp.CSS("table.grid tbody tr")),
		chromedp.SendKeys(chromedp.CSS("input[type=search]"), "RequestContext"),
		waitText("table.grid tbody tr", "RequestContext"),
		screenshot(shots, "summary.png"),
		// Expand the class from the keyboard: focus the table, → opens it.
		chromedp.Focus(chromedp.CSS("table.grid")),
		chromedp.KeyEvent(kb.ArrowRight),
		chromedp.WaitVisible(chromedp.CSS("td.sub table tbody tr a")),
		waitText("td.sub table tbody tr", "RequestContext @"),
		chromedp.Click(chromedp.CSS("td.sub table tbody tr a")),

		// The object: header, code location, retainers, paths.
		waitText("h1", "RequestContext"),
		waitText("main .card", "event-listener.js"),
		waitText("main", "Retainers (1)"),
		waitText("main", "context → RequestContext @"),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) (err error) {
			text, err = chromedp.Text(chromedp.CSS("main"))(ctx, tg)
			return err
		}),
		screenshot(shots, "object.png"),
	)
	if err != nil {
		t.Fatalf("browser walk (summary → object): %v", err)
	}
	for _, want := range []string{"Retaining paths", "context", "Dominators", "References", "RequestContext @"} {
		if !strings.Contains(text, want) {
			t.Errorf("object view lacks %q", want)
		}
	}

	// A path link of the leak report opens that object in the last snapshot.
	var href, h1 string
	err = chromedp.Do(ctx,
		chromedp.Navigate(url+"#/leaks"),
		waitText(".suspect", "RequestContext"),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			a, err := chromedp.AttributeValue(chromedp.CSS(".suspect .path a:last-of-type"), "href")(ctx, tg)
			href = a.Value
			return err
		}),
		chromedp.Click(chromedp.CSS(".suspect .path a:last-of-type")),
		chromedp.WaitVisible(chromedp.CSS(".kv")),
		waitText("main", "Retaining paths"),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) (err error) {
			h1, err = chromedp.Text(chromedp.CSS("h1"))(ctx, tg)
			return err
		}),
	)
	if err != nil {
		t.Fatalf("browser walk (leak path link): %v", err)
	}
	if !strings.HasPrefix(href, "#/object/2/") {
		t.Errorf("path link %q does not point into the last snapshot", href)
	}
	if !strings.Contains(h1, "@"+strings.TrimPrefix(href, "#/object/2/")) {
		t.Errorf("path link %s opened %q", href, h1)
	}

	// The dominator tree's chart and the comparison draw.
	err = chromedp.Do(ctx,
		chromedp.Navigate(url+"#/domtree/2"),
		chromedp.WaitVisible(chromedp.CSS("svg .box")),
		chromedp.Navigate(url+"#/diff/0/2"),
		waitText("table.grid tbody", "RequestContext"),
		screenshot(shots, "comparison.png"),
	)
	if err != nil {
		t.Fatalf("browser walk (dominators, comparison): %v", err)
	}

	// One snapshot opens on its Summary; its leak view is the
	// accumulation report.
	one := startServe(t, filepath.Join(dir, "s3.heapsnapshot"), "--quiet")
	err = chromedp.Do(ctx,
		chromedp.Navigate(one),
		waitText("h1", "Summary"),
		waitText("table.grid tbody", "RequestContext"),
		chromedp.Navigate(one+"#/leaks"),
		waitText("h1", "Accumulation"),
		waitText(".suspect", "#1"),
		screenshot(shots, "accumulation.png"),
	)
	if err != nil {
		t.Fatalf("browser walk (one snapshot): %v", err)
	}
	t.Logf("screenshots in %s", shots)
}
