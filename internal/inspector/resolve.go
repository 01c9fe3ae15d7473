package inspector

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
)

// Target is an inspector endpoint, usually of one node process.
type Target struct {
	// PID of the process, 0 when unknown (a host:port or ws:// spec).
	// When set, Dial confirms the inspector belongs to this pid.
	PID int
	// Addr is the inspector's host:port ("127.0.0.1:9229").
	Addr string
	// WebSocketURL is what Dial connects to.
	WebSocketURL string
	// Title is what the inspector reports (usually the script's path).
	Title string
	// Opened is true when Resolve opened the inspector itself (SIGUSR1, or
	// process._debugProcess on Windows). It stays open after we disconnect
	// unless we close it from inside (Conn.CloseInspector).
	Opened bool

	// launched: Launch started this process, so PID needs no confirmation
	// (and process.pid may not exist yet that early in node's startup).
	launched bool
}

func (t *Target) String() string {
	if t.PID > 0 {
		return fmt.Sprintf("pid %d (%s)", t.PID, t.Addr)
	}
	if t.Addr != "" {
		return t.Addr
	}
	return t.WebSocketURL
}

// AttachMethod names how Resolve opens a closed inspector on this OS
// ("SIGUSR1"), for messages.
const AttachMethod = attachMethod

// ResolveOptions tune Resolve.
type ResolveOptions struct {
	// AllowRemote permits inspectors on hosts other than loopback.
	AllowRemote bool
	// Wait bounds the wait for an inspector opened with SIGUSR1 (default
	// 10s: node opens it in milliseconds, but a loaded host can be slow).
	Wait time.Duration
	// NoSignal never sends SIGUSR1: a pid without an open inspector fails.
	NoSignal bool
}

var httpClient = &http.Client{Timeout: 5 * time.Second}

// Resolve turns a target spec into a Target:
//
//   - "1234": a pid. Its listening sockets (from /proc) are probed for an
//     inspector; if none, the process is sent SIGUSR1 (node opens its
//     inspector on that signal; on port 9229 unless it was started with
//     --inspect-port) and the new socket is looked for. The pid must be a
//     node process.
//   - "127.0.0.1:9229", "localhost:9229", "[::1]:9229", "http://host:port":
//     the inspector's HTTP endpoint; /json/list names the WebSocket.
//   - "ws://host:port/ID": the WebSocket itself.
//
// Hosts other than loopback are refused unless opts.AllowRemote.
func Resolve(ctx context.Context, spec string, opts ResolveOptions) (*Target, error) {
	sp, err := parseSpec(spec)
	if err != nil {
		return nil, err
	}
	switch {
	case sp.pid > 0:
		return resolvePID(ctx, sp.pid, opts)
	case sp.wsURL != "":
		if err := checkHost(ctx, sp.host, opts.AllowRemote); err != nil {
			return nil, err
		}
		return &Target{Addr: sp.hostport, WebSocketURL: sp.wsURL}, nil
	default:
		if err := checkHost(ctx, sp.host, opts.AllowRemote); err != nil {
			return nil, err
		}
		return probe(ctx, sp.hostport)
	}
}

// spec is a parsed target: a pid, a ws:// URL, or an inspector's host:port.
type spec struct {
	pid      int
	wsURL    string
	host     string // without brackets
	hostport string
}

// parseSpec classifies a target spec without touching the network.
func parseSpec(s string) (spec, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return spec{}, fmt.Errorf("%w: empty; give a pid, host:port or ws:// URL", ErrBadTarget)
	}
	if pid, err := strconv.Atoi(s); err == nil {
		if pid <= 0 {
			return spec{}, fmt.Errorf("pid %d: %w", pid, ErrNoProcess)
		}
		return spec{pid: pid}, nil
	}
	if strings.HasPrefix(s, "ws://") || strings.HasPrefix(s, "wss://") {
		u, err := url.Parse(s)
		if err != nil || u.Host == "" || u.Hostname() == "" {
			return spec{}, fmt.Errorf("%w: bad inspector URL %q", ErrBadTarget, s)
		}
		return spec{wsURL: s, host: u.Hostname(), hostport: u.Host}, nil
	}
	hostport := strings.TrimPrefix(strings.TrimPrefix(s, "http://"), "https://")
	hostport = strings.TrimSuffix(hostport, "/")
	host, port, err := net.SplitHostPort(hostport)
	if err != nil || host == "" {
		return spec{}, fmt.Errorf("%w %q: want a pid, host:port or ws:// URL", ErrBadTarget, s)
	}
	if p, err := strconv.Atoi(port); err != nil || p <= 0 || p > 65535 {
		return spec{}, fmt.Errorf("%w: bad port in %q", ErrBadTarget, s)
	}
	return spec{host: host, hostport: hostport}, nil
}

// checkHost refuses non-loopback hosts unless allowed. A name must resolve
// to loopback addresses only.
func checkHost(ctx context.Context, host string, allow bool) error {
	if allow {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil {
		if ip.IsLoopback() {
			return nil
		}
		return fmt.Errorf("%s: %w", host, ErrRemote)
	}
	addrs, err := net.DefaultResolver.LookupIPAddr(ctx, host)
	if err != nil || len(addrs) == 0 {
		return fmt.Errorf("%w: cannot resolve %q: %v", ErrBadTarget, host, err)
	}
	for _, a := range addrs {
		if !a.IP.IsLoopback() {
			return fmt.Errorf("%s (%s): %w", host, a.IP, ErrRemote)
		}
	}
	return nil
}

// jsonTarget is one entry of the inspector's /json/list.
type jsonTarget struct {
	Title                string `json:"title"`
	Type                 string `json:"type"`
	WebSocketDebuggerURL string `json:"webSocketDebuggerUrl"`
}

// probe asks hostport's /json/list for its WebSocket URL.
func probe(ctx context.Context, hostport string) (*Target, error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", "http://"+hostport+"/json/list", nil)
	if err != nil {
		return nil, err
	}
	// No idle connection kept to a target's inspector (or to a program's
	// own port that turned out not to be one).
	req.Close = true
	resp, err := httpClient.Do(req)
	if err != nil {
		return nil, unreachable(hostport, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("%w at %s: %v", ErrUnreachable, hostport, err)
	}
	var list []jsonTarget
	if resp.StatusCode != 200 || jsonv2.Unmarshal(body, &list, jsonOpts) != nil {
		return nil, fmt.Errorf("%w: %s answers, but not like a node inspector", ErrNoInspector, hostport)
	}
	// A browser lists every tab (and workers, iframes): with several
	// pages, taking the first would silently snapshot some other tab.
	var pages []string
	for _, jt := range list {
		if jt.Type == "page" && jt.WebSocketDebuggerURL != "" {
			pages = append(pages, strconv.Quote(jt.Title))
		}
	}
	if len(pages) > 1 {
		return nil, fmt.Errorf("%w: %s has %d pages (%s): give one page's ws:// URL from http://%s/json/list", ErrBadTarget, hostport, len(pages), strings.Join(pages, ", "), hostport)
	}
	for _, jt := range list {
		if jt.WebSocketDebuggerURL == "" || len(pages) == 1 && jt.Type != "page" {
			continue
		}
		u, err := url.Parse(jt.WebSocketDebuggerURL)
		if err != nil {
			continue
		}
		// Connect where we probed, whatever address the target believes it has.
		u.Host = hostport
		return &Target{Addr: hostport, WebSocketURL: u.String(), Title: jt.Title}, nil
	}
	if len(list) > 0 {
		// Node lists the target without a WebSocket URL while a client holds it.
		return nil, fmt.Errorf("%w (%s)", ErrInUse, hostport)
	}
	return nil, fmt.Errorf("%w: %s lists no targets", ErrNoInspector, hostport)
}

func resolvePID(ctx context.Context, pid int, opts ResolveOptions) (*Target, error) {
	if !processAlive(pid) {
		return nil, fmt.Errorf("pid %d: %w", pid, ErrNoProcess)
	}
	if !isNode(pid) {
		return nil, fmt.Errorf("pid %d (%s): %w", pid, processName(pid), ErrNotNode)
	}
	before, err := listeningAddrs(pid)
	if err != nil {
		if errors.Is(err, ErrNoProcess) {
			return nil, fmt.Errorf("pid %d: %w", pid, ErrNoProcess)
		}
		return nil, fmt.Errorf("pid %d: %w", pid, err)
	}
	// An inspector already open: probe the likely ports first so an
	// application port is only touched when nothing else matches.
	for _, a := range orderCandidates(before, pid) {
		t, err := probe(ctx, dialable(a))
		if err == nil {
			if err := checkBound(pid, a, opts.AllowRemote); err != nil {
				return nil, err
			}
			t.PID = pid
			return t, nil
		}
		if errors.Is(err, ErrInUse) {
			return nil, fmt.Errorf("pid %d: %w", pid, err)
		}
		// Not an inspector (the program's own port): try the next.
	}
	if opts.NoSignal {
		return nil, fmt.Errorf("pid %d: %w open (start node with --inspect, or allow %s)", pid, ErrNoInspector, attachMethod)
	}
	if err := sendAttach(pid); err != nil {
		return nil, err
	}
	wait := opts.Wait
	if wait <= 0 {
		wait = 10 * time.Second
	}
	deadline := time.Now().Add(wait)
	for {
		after, err := listeningAddrs(pid)
		if err != nil {
			if !processAlive(pid) {
				return nil, fmt.Errorf("pid %d exited after %s: %w", pid, attachMethod, ErrNoProcess)
			}
			return nil, fmt.Errorf("pid %d: %w", pid, err)
		}
		for _, a := range after {
			if slices.Contains(before, a) {
				continue
			}
			t, err := probe(ctx, dialable(a))
			if err == nil {
				t.PID = pid
				t.Opened = true
				if err := checkBound(pid, a, opts.AllowRemote); err != nil {
					// Opened by us on a non-loopback address (its
					// --inspect-port says so): not ours to use, and
					// not to leave open either.
					if c, derr := Dial(ctx, t); derr == nil {
						c.CloseInspector(ctx, 10*time.Second)
					}
					return nil, err
				}
				return t, nil
			}
			if errors.Is(err, ErrInUse) {
				return nil, fmt.Errorf("pid %d: %w", pid, err)
			}
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("pid %d: %w: %s sent, but no inspector socket appeared within %s (is the port, 9229 by default, taken by another process? see the target's stderr)", pid, ErrNoInspector, attachMethod, wait)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// checkBound refuses an inspector of pid bound to anything but loopback
// (a wildcard included: it listens on every interface, so anyone who can
// reach the machine can run code in the target) unless allowed.
func checkBound(pid int, bound string, allow bool) error {
	if allow || isLoopbackBound(bound) {
		return nil
	}
	return fmt.Errorf("pid %d: its inspector listens on %s, reachable from other machines: %w", pid, bound, ErrRemote)
}

// isNode tells whether pid runs a node binary: its executable's name, or
// (when that is unreadable) its command name.
func isNode(pid int) bool {
	if exe := processExe(pid); exe != "" {
		return looksLikeNode(exe)
	}
	return looksLikeNode(processName(pid))
}

func looksLikeNode(name string) bool {
	name = strings.ToLower(name)
	return name == "node" || name == "nodejs" || strings.HasPrefix(name, "node-") ||
		strings.HasPrefix(name, "node2") || strings.HasPrefix(name, "node1")
}

// orderCandidates puts likely inspector ports first: 9229, then ports named
// in the command line's --inspect flags.
func orderCandidates(addrs []string, pid int) []string {
	cmd := processArgs(pid)
	score := func(a string) int {
		_, port, _ := net.SplitHostPort(a)
		if port == "9229" {
			return 0
		}
		if strings.Contains(cmd, ":"+port+"\x00") || strings.Contains(cmd, "="+port+"\x00") {
			return 1
		}
		return 2
	}
	out := slices.Clone(addrs)
	slices.SortStableFunc(out, func(a, b string) int { return score(a) - score(b) })
	return out
}

// ProcessAlive tells whether pid exists on this machine.
func ProcessAlive(pid int) bool { return processAlive(pid) }

// NodeProcess tells whether pid is a node process on this machine, and
// names the process for messages when it is not.
func NodeProcess(pid int) (name string, ok bool) {
	if !processAlive(pid) {
		return "", false
	}
	return processName(pid), isNode(pid)
}

// NodeProcesses lists the node processes on this machine (or in this
// container or pod) that we may attach to, leakhound's own children
// included, in pid order.
func NodeProcesses() ([]int, error) {
	pids, err := nodePIDs()
	slices.Sort(pids)
	return pids, err
}
