// Package livetest starts the node programs of testdata/live for tests that
// need a real target process. Only tests import it.
package livetest

import (
	"bufio"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/nodetest"
)

// Dir is testdata/live at the repository root.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "testdata", "live")
}

// Node returns the node under test's path (see nodetest).
func Node(t testing.TB) string { return nodetest.Path(t) }

// Start runs node with args (script paths relative to testdata/live) and
// waits for its "ready" line on stdout. The process is killed when the test
// ends. Pass --inspect-port=0 first so an inspector opened with SIGUSR1
// picks a free port and parallel tests never fight over 9229.
func Start(t testing.TB, args ...string) *exec.Cmd {
	t.Helper()
	cmd, _ := StartReady(t, args...)
	return cmd
}

// StartReady is Start that also returns what followed "ready " on the
// line (server.js prints its port there).
func StartReady(t testing.TB, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(Node(t), args...)
	cmd.Dir = Dir()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		signalled := false
		for sc.Scan() {
			if !signalled && strings.HasPrefix(sc.Text(), "ready") {
				signalled = true
				ready <- strings.TrimSpace(strings.TrimPrefix(sc.Text(), "ready"))
			}
		}
	}()
	select {
	case line := <-ready:
		return cmd, line
	case <-time.After(20 * time.Second):
		t.Fatal("node did not print ready")
	}
	return cmd, ""
}

// InspectPort returns a free loopback port for tests that give several
// processes one inspector port (the default port's case). It lies below
// the kernel's ephemeral range: a port from there can meanwhile become
// the local end of some outgoing connection, which a listener cannot
// then bind, as 9229 never would.
func InspectPort(t testing.TB) string {
	t.Helper()
	lo := 32768
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if n, err := strconv.Atoi(f[0]); err == nil && n > 12000 {
				lo = n
			}
		}
	}
	for i := 0; i < 200; i++ {
		p := 10000 + rand.IntN(lo-10000)
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
		if err != nil {
			continue
		}
		l.Close()
		return strconv.Itoa(p)
	}
	t.Fatal("no free port below the ephemeral range")
	return ""
}
