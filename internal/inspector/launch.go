package inspector

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

// LaunchOptions tune Launch.
type LaunchOptions struct {
	// Stdout and Stderr receive the program's output (nil: discarded).
	// Node's own inspector notices ("Debugger listening on ...") are
	// filtered out of Stderr.
	Stdout, Stderr io.Writer
	// Env is the program's environment (nil: ours).
	Env []string
	// Dir is its working directory ("" : ours).
	Dir string
	// Wait bounds the wait for the inspector to come up (default 15s).
	Wait time.Duration
}

// Launched is a node program started by Launch with its inspector on a
// random loopback port.
type Launched struct {
	Cmd    *exec.Cmd
	Target *Target

	exited  chan struct{}
	ending  chan struct{}
	waitErr error
	stopMu  sync.Mutex
	stopped bool
	outDone sync.WaitGroup
}

var listeningRE = regexp.MustCompile(`^Debugger listening on (ws://\S+)`)

// inspectorNoise are the lines node prints about its inspector; Launch
// keeps them out of the program's passed-through stderr.
var inspectorNoise = []string{
	"Debugger listening on ",
	"For help, see: https://nodejs.org/en/docs/inspector",
	"Debugger attached.",
	"Debugger ending on ",
	"Waiting for the debugger to disconnect...",
}

// ErrNotNodeCommand: the command to launch is not node.
var ErrNotNodeCommand = errors.New("the command must start with node (leakhound run -- node app.js ...)")

// Launch starts argv (argv[0] must be node) with --inspect=127.0.0.1:0
// inserted before the other arguments, passes its output through, and
// waits for the inspector's "Debugger listening on ws://..." line. The
// program runs in its own process group, so a Ctrl-C meant for leakhound
// does not reach it before Stop does.
func Launch(ctx context.Context, argv []string, opts LaunchOptions) (*Launched, error) {
	if len(argv) == 0 {
		return nil, ErrNotNodeCommand
	}
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotNodeCommand, err)
	}
	if !looksLikeNode(filepath.Base(path)) {
		return nil, fmt.Errorf("%w: got %q", ErrNotNodeCommand, argv[0])
	}
	args := append([]string{"--inspect=127.0.0.1:0"}, argv[1:]...)
	cmd := exec.Command(path, args...)
	cmd.Env = opts.Env
	cmd.Dir = opts.Dir
	// Own process group (Ctrl-C reaches us, and Stop ends the group), and
	// killed with us where the OS allows (parentdeath_*.go), so a CI
	// timeout that kills leakhound leaves no program behind.
	cmd.SysProcAttr = childAttr()
	if opts.Stdout != nil {
		cmd.Stdout = opts.Stdout
	}
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", argv[0], err)
	}
	dieWithUs(cmd.Process)
	l := &Launched{Cmd: cmd, exited: make(chan struct{}), ending: make(chan struct{})}
	urlCh := make(chan string, 1)
	l.outDone.Add(1)
	go func() {
		defer l.outDone.Done()
		l.pumpStderr(errPipe, opts.Stderr, urlCh)
	}()
	go func() {
		// Wait after stderr is drained: exec.Cmd requires reads from the
		// pipe to finish before Wait.
		l.outDone.Wait()
		l.waitErr = cmd.Wait()
		close(l.exited)
	}()
	wait := opts.Wait
	if wait <= 0 {
		wait = 15 * time.Second
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case u := <-urlCh:
		l.Target = &Target{PID: cmd.Process.Pid, Addr: hostOf(u), WebSocketURL: u, launched: true}
		return l, nil
	case <-l.exited:
		return nil, fmt.Errorf("the program exited before its inspector came up: %s", exitText(l.waitErr))
	case <-timer.C:
		l.Stop(2 * time.Second)
		return nil, fmt.Errorf("%w: node printed no \"Debugger listening\" line within %s", ErrNoInspector, wait)
	case <-ctx.Done():
		l.Stop(2 * time.Second)
		return nil, ctx.Err()
	}
}

func hostOf(u string) string {
	s := strings.TrimPrefix(u, "ws://")
	if i := strings.IndexByte(s, '/'); i >= 0 {
		s = s[:i]
	}
	return s
}

func (l *Launched) pumpStderr(r io.Reader, w io.Writer, urlCh chan<- string) {
	br := bufio.NewReaderSize(r, 64<<10)
	found := false
	for {
		line, err := br.ReadString('\n')
		if line != "" {
			noise := false
			for _, p := range inspectorNoise {
				if strings.HasPrefix(line, p) {
					noise = true
					break
				}
			}
			if strings.HasPrefix(line, "Waiting for the debugger to disconnect") {
				close(l.ending)
			}
			if !found {
				if m := listeningRE.FindStringSubmatch(line); m != nil {
					found = true
					urlCh <- m[1]
				}
			}
			if !noise && w != nil {
				io.WriteString(w, line)
			}
		}
		if err != nil {
			return
		}
	}
}

// Connect dials the launched program and waits until its main script has
// run (WaitStarted). A session opened while node is still starting up can
// be dropped by node; Connect then dials again, a few times, while the
// program lives.
func (l *Launched) Connect(ctx context.Context) (*Conn, error) {
	var last error
	for attempt := 0; attempt < 5; attempt++ {
		c, err := Dial(ctx, l.Target)
		if err == nil {
			err = WaitStarted(ctx, c)
			if err == nil {
				return c, nil
			}
			c.Close()
		}
		last = err
		if !errors.Is(err, ErrConnLost) && !errors.Is(err, ErrUnreachable) {
			return nil, err
		}
		select {
		case <-l.exited:
			return nil, err
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return nil, last
}

// WaitStarted returns once the program's main script has run to its end
// and node's event loop has started. Node opens the inspector before it
// loads the script, so an expression evaluated earlier may not find the
// script's globals yet. It polls a plain property read: scheduling work
// from an evaluation that lands in the middle of node's startup (a
// setImmediate, say) can crash node 20 with a segmentation fault. Reading
// `performance` loads perf_hooks lazily; mid-startup node 24 can throw
// there ("setDispatchBufferFull is not a function"), which only means
// "not started yet": keep polling (for 30 s at most: a program that
// breaks `performance` itself must not hang us).
func WaitStarted(ctx context.Context, c *Conn) error {
	throwsUntil := time.Now().Add(30 * time.Second)
	for {
		v, err := c.Evaluate(ctx, "typeof performance === 'object' && performance.nodeTiming.loopStart > 0", false)
		var thrown *EvalError
		if errors.As(err, &thrown) && time.Now().Before(throwsUntil) {
			v, err = nil, nil
		}
		if err != nil {
			return err
		}
		if string(v) == "true" {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-c.Done():
			return c.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Ending is closed when the program has finished and node waits for the
// inspector's clients to disconnect before it exits ("Waiting for the
// debugger to disconnect..."): a call in flight will never be answered, so
// close the connection.
func (l *Launched) Ending() <-chan struct{} { return l.ending }

// Exited is closed when the program has exited.
func (l *Launched) Exited() <-chan struct{} { return l.exited }

// ExitText describes how the program ended ("exit status 1", "signal:
// killed"); only meaningful after Exited.
func (l *Launched) ExitText() string { return exitText(l.waitErr) }

func exitText(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}

// Stop ends the program: SIGTERM to its process group (Ctrl-Break on
// Windows), then SIGKILL after grace. It returns once the program has exited. Safe to call twice.
func (l *Launched) Stop(grace time.Duration) {
	l.stopMu.Lock()
	first := !l.stopped
	l.stopped = true
	l.stopMu.Unlock()
	if first {
		select {
		case <-l.exited:
			return
		default:
		}
		terminateGroup(l.Cmd.Process, false)
		select {
		case <-l.exited:
			return
		case <-time.After(grace):
		}
		terminateGroup(l.Cmd.Process, true)
	}
	select {
	case <-l.exited:
	case <-time.After(10 * time.Second):
		// A process that survives SIGKILL for 10 s is stuck in the kernel;
		// do not hang leakhound on it.
		fmt.Fprintf(os.Stderr, "leakhound: pid %d did not exit after SIGKILL\n", l.Cmd.Process.Pid)
	}
}
