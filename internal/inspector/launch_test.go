package inspector

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/inspector/livetest"
	"github.com/leakhound/leakhound/internal/nodetest"
)

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

// Launch + Connect many times: a session used while node is still starting
// must neither crash node (node 20 segfaulted in 1 of 20 starts when our
// first evaluation scheduled a setImmediate) nor see the script's globals
// missing.
func TestLaunchConnectRepeatedly(t *testing.T) {
	livetest.Node(t)
	script := filepath.Join(livetest.Dir(), "server.js")
	for i := 0; i < 10; i++ {
		var out, errOut syncBuffer
		l, err := Launch(context.Background(), []string{nodetest.Path(t), script, "leak"}, LaunchOptions{Stdout: &out, Stderr: &errOut})
		if err != nil {
			t.Fatal(err)
		}
		c, err := l.Connect(context.Background())
		if err == nil {
			_, err = c.Evaluate(context.Background(), "handle(1)", false)
			c.Close()
		}
		l.Stop(2 * time.Second)
		if err != nil {
			t.Fatalf("start %d: %v (program: %s)", i, err, l.ExitText())
		}
		// The program's output passes through; node's inspector notices do not.
		if !strings.HasPrefix(out.String(), "ready ") || strings.Contains(errOut.String(), "Debugger") {
			t.Fatalf("stdout %q, stderr %q", out.String(), errOut.String())
		}
	}
}

func TestLaunchRefusesNonNode(t *testing.T) {
	if _, err := Launch(context.Background(), []string{"sh", "-c", "true"}, LaunchOptions{}); err == nil {
		t.Fatal("launched sh")
	}
	if _, err := Launch(context.Background(), nil, LaunchOptions{}); err == nil {
		t.Fatal("launched nothing")
	}
}

func TestLaunchProgramExitsEarly(t *testing.T) {
	livetest.Node(t)
	l, err := Launch(context.Background(), []string{nodetest.Path(t), "-e", "process.exit(3)"}, LaunchOptions{})
	if err != nil {
		// It may exit before the inspector is even up.
		if !strings.Contains(err.Error(), "exited") {
			t.Fatal(err)
		}
		return
	}
	defer l.Stop(time.Second)
	c, err := l.Connect(context.Background())
	if err == nil {
		c.Close()
	}
	select {
	case <-l.Exited():
	case <-time.After(60 * time.Second):
		t.Fatal("program did not exit")
	}
	if !strings.Contains(l.ExitText(), "exit status 3") {
		t.Errorf("exit text %q", l.ExitText())
	}
}
