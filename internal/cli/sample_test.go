package cli

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/pprof/profile"
	"github.com/leakhound/leakhound/internal/inspector/livetest"
)

// loadLoop sends GETs to url until stop is closed (bounded: loopback only,
// at most 20,000 requests).
func loadLoop(url string, stop <-chan struct{}) {
	cl := &http.Client{Timeout: 2 * time.Second}
	for i := 0; i < 20000; i++ {
		select {
		case <-stop:
			return
		default:
		}
		if resp, err := cl.Get(url); err == nil {
			resp.Body.Close()
		}
	}
}

func TestSampleCommand(t *testing.T) {
	cmd, port := livetest.StartReady(t, "--inspect-port=0", "server.js", "leak")
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { loadLoop("http://127.0.0.1:"+port+"/x", stop); close(done) }()
	defer func() { close(stop); <-done }()

	pb := filepath.Join(t.TempDir(), "alloc.pb.gz")
	code, out, errOut := runInspCLI("sample", strconv.Itoa(cmd.Process.Pid), "--duration", "1500ms",
		"--interval", "2048", "-o", pb, "--json", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var res sampleJSON
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.TotalBytes <= 0 || len(res.Sites) == 0 || res.Pprof != pb {
		t.Fatalf("result %+v", res)
	}
	// The leak's allocation (RequestRecord in server.js) is among the top sites.
	found := false
	for _, s := range res.Sites[:min(5, len(res.Sites))] {
		if strings.HasSuffix(s.Code().URL, "server.js") {
			found = true
		}
	}
	if !found {
		t.Errorf("no server.js site in the top 5: %+v", res.Sites[:min(5, len(res.Sites))])
	}
	f, err := os.Open(pb)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := profile.Parse(f)
	if err != nil || len(p.Sample) == 0 {
		t.Fatalf("pprof file: %v, %d samples", err, len(p.Sample))
	}

	// Text output names the columns and the stacks.
	code, out, errOut = runInspCLI("sample", strconv.Itoa(cmd.Process.Pid), "--duration", "500ms", "--interval", "2048", "--top", "3")
	if code != 0 || !strings.Contains(out, "allocated by") || !strings.Contains(out, "Heaviest stacks:") {
		t.Fatalf("exit %d, out %q, err %q", code, out, errOut)
	}
}

// A host:port target does not say its pid; --json still gives it (the
// docs' example shows it), asked of the process.
func TestSampleHostPortHasPID(t *testing.T) {
	port := livetest.InspectPort(t)
	cmd := livetest.Start(t, "--inspect=127.0.0.1:"+port, "idle.js")
	var code int
	var out, errOut string
	for i := 0; i < 50; i++ { // until the inspector listens
		if code, out, errOut = runInspCLI("sample", "127.0.0.1:"+port, "--duration", "200ms", "--json", "--quiet"); code == 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	var res sampleJSON
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || res.PID != cmd.Process.Pid {
		t.Fatalf("exit %d, pid %d (want %d): %s %s", code, res.PID, cmd.Process.Pid, out, errOut)
	}
}

// TestSampleLetsATargetFinish: a program that finishes while sampled is
// not held until --duration ends: sampling stops, the profile so far is
// reported, and the process exits.
func TestSampleLetsATargetFinish(t *testing.T) {
	// The program finishes 1s after SIGUSR2, sent once sampling has
	// started (a fixed lifetime could end before a loaded machine attaches).
	cmd := livetest.Start(t, "--inspect-port=0", "-e",
		"const a = []; const t = setInterval(() => a.push(new Array(100)), 10); "+
			"process.on('SIGUSR2', () => setTimeout(() => { clearInterval(t); process.removeAllListeners('SIGUSR2') }, 1000)); console.log('ready')")
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	stderr := &watchedBuffer{want: "sampling ", seen: make(chan struct{})}
	go func() {
		select {
		case <-stderr.seen:
			cmd.Process.Signal(syscall.Signal(12)) // SIGUSR2 on Linux; a name that builds for every GOOS
		case <-exited:
		}
	}()
	start := time.Now()
	var o bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &o, Stderr: stderr}
	code := Main([]string{"sample", strconv.Itoa(cmd.Process.Pid), "--duration", "120s", "--json"}, env)
	out, errOut := o.String(), stderr.String()
	if code != 0 || !strings.Contains(errOut, "the program finished after") || time.Since(start) > 60*time.Second {
		t.Fatalf("exit %d after %s: %s", code, time.Since(start), errOut)
	}
	var res sampleJSON
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
	case <-time.After(60 * time.Second):
		t.Fatal("the target did not exit")
	}
}
