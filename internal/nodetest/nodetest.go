// Package nodetest chooses the Node.js binary that tests drive, so that one
// test binary runs under every node version CI installs. Only tests import
// it.
//
// LEAKHOUND_NODE names the node under test (a path, or a name looked up on
// PATH); unset, it is `node` on PATH. A test that needs node is skipped when
// node is missing and LEAKHOUND_NODE is unset, and fails when LEAKHOUND_NODE
// is set but does not run: a typo must not turn the matrix into skips.
package nodetest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Env is the environment variable that names the node under test.
const Env = "LEAKHOUND_NODE"

var (
	once    sync.Once
	path    string
	version string
	failure string // why there is no node; "" when there is one
	skip    bool   // node is simply not installed (LEAKHOUND_NODE unset)
)

func find() {
	name := os.Getenv(Env)
	if name == "" {
		p, err := exec.LookPath("node")
		if err != nil {
			failure, skip = "node not on PATH (set "+Env+" to choose one)", true
			return
		}
		name = p
	}
	p, err := exec.LookPath(name)
	if err != nil {
		failure = Env + "=" + name + ": " + err.Error()
		return
	}
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	out, err := exec.Command(p, "--version").Output()
	if err != nil {
		failure = p + " --version: " + err.Error()
		return
	}
	path, version = p, strings.TrimSpace(string(out))
}

func get(t testing.TB) {
	t.Helper()
	once.Do(find)
	if failure == "" {
		return
	}
	if skip {
		t.Skip(failure)
	}
	t.Fatal(failure)
}

// Path is the absolute path of the node under test.
func Path(t testing.TB) string {
	t.Helper()
	get(t)
	return path
}

// Version is the node under test's `node --version`, e.g. "v24.22.3".
func Version(t testing.TB) string {
	t.Helper()
	get(t)
	return version
}

// Major is the major version of the node under test, e.g. 24.
func Major(t testing.TB) int {
	t.Helper()
	v := strings.TrimPrefix(Version(t), "v")
	n := 0
	for _, c := range v {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// Command is exec.Command for the node under test.
func Command(t testing.TB, args ...string) *exec.Cmd {
	t.Helper()
	return exec.Command(Path(t), args...)
}

// OnPATH puts the node under test first on PATH for the rest of the test,
// for code under test that looks `node` up itself (demo, the case study).
// Like t.Setenv it cannot be used in parallel tests.
func OnPATH(t testing.TB) {
	t.Helper()
	dir := filepath.Dir(Path(t))
	if tt, ok := t.(interface{ Setenv(k, v string) }); ok {
		tt.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
		return
	}
	t.Fatal("nodetest.OnPATH needs a *testing.T or *testing.B")
}
