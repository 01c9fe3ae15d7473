package cli

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/gctrace"
	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/leak"
	"github.com/leakhound/leakhound/internal/metrics"
	"github.com/leakhound/leakhound/internal/roots"
	"github.com/leakhound/leakhound/internal/ui"
	"github.com/leakhound/leakhound/internal/web"
)

func init() {
	Register(&Command{
		Name:    "serve",
		Summary: "browse a snapshot, a leaking series or a GC log in a web UI (Summary, objects, dominators, leaks, comparison)",
		Usage:   "leakhound serve [--addr HOST:PORT] [--open] [--root DIR]... FILE | S1 S2 [S3 ...] | DIR | GC-LOG",
		Run:     runServe,
	})
}

func runServe(ctx context.Context, env *Env, args []string) error {
	return serve(ctx, env, args, nil)
}

// serve runs the server until ctx ends; ready, when set, gets the URL once
// it listens (tests).
func serve(ctx context.Context, env *Env, args []string, ready func(url string)) error {
	c := commands["serve"]
	fs := NewFlags(env, c)
	addIndexFlags(fs, env)
	addr := fs.String("addr", "127.0.0.1:0", "listen on `HOST:PORT` (port 0: a free one; a bare PORT or :PORT binds 127.0.0.1); a host other than loopback is reachable by others, without authentication")
	open := fs.Bool("open", false, "open the page in the default browser")
	quiet := fs.Bool("quiet", false, "no progress bar on stderr")
	top := fs.Int("top", 10, "show at most N leak suspects (a series) or accumulation points (one snapshot)")
	var rootDirs repeated
	fs.Var(&rootDirs, "root", "a `DIR` whose scripts and source maps the leak report may read (repeatable; default: the current directory)")
	pos, err := ParseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return BadInputf("serve needs a heap snapshot, a series of snapshots (files or a folder) or a GC log")
	}
	if *top <= 0 {
		return BadInputf("--top must be > 0")
	}
	kind, files, err := serveInput(pos)
	if err != nil {
		return err
	}
	// The leak report reads the program's scripts ("added at", source
	// maps, bounds) as leaks does, but a server only under its roots.
	rs, err := roots.New(rootDirs)
	if err != nil {
		return BadInput(err)
	}
	sources := leak.SourcesUnder(rs.Real)
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = filepath.Base(f)
	}
	cfg := web.Config{Kind: kind, MaxSuspects: *top, Sources: sources}
	if kind != web.KindGC {
		cfg.Names = names
	}
	cfg.Load = func(ctx context.Context, i int, obs web.Observe) (*heapgraph.Graph, error) {
		return loadGraph(ctx, env, files[i], *quiet, env.indexOptions(), obs)
	}
	cfg.Leaks = func(ctx context.Context, obs web.Observe, keep func(int, *heapgraph.Graph)) (*leak.Report, error) {
		rep, err := leak.Analyze(len(files), prefetch(len(files), func(i int, q bool) (*heapgraph.Graph, error) {
			g, err := loadGraph(ctx, env, files[i], q || *quiet, env.indexOptions(), obs)
			if err == nil {
				keep(i, g)
			}
			return g, err
		}), leak.Options{Names: names, MaxSuspects: *top, Sources: sources, Phase: func(p string) { obs(p, 0, 0) }})
		if errors.Is(err, leak.ErrNotSameProcess) || errors.Is(err, leak.ErrOrder) {
			return nil, BadInput(err)
		}
		return rep, err
	}
	if kind == web.KindGC {
		// A GC log reads in moments, so it is read before the server
		// starts: a file that is neither a snapshot nor a GC log gets its
		// one line before any URL is printed.
		s, err := serveGCLog(ctx, env, files[0], *quiet, func(string, int64, int64) {})
		if err != nil {
			return err
		}
		cfg.GC = func(context.Context, web.Observe) (*gctrace.Summary, error) { return s, nil }
	}

	// A bare port or :PORT binds loopback, as watch's --metrics-addr does:
	// the heap is the program's secrets.
	listen, err := metrics.ListenAddr(*addr)
	if err != nil {
		return BadInputf("--addr %s: not an address (want PORT, :PORT or HOST:PORT)", *addr)
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return listenError("--addr", *addr, err)
	}
	defer ln.Close()
	host, _, _ := net.SplitHostPort(listen)
	srv := web.New(cfg)
	srv.SetAddr(ln.Addr().String(), host)
	url := "http://" + ln.Addr().String() + "/"
	if ip := ln.Addr().(*net.TCPAddr).IP; ip.IsUnspecified() {
		url = fmt.Sprintf("http://localhost:%d/", ln.Addr().(*net.TCPAddr).Port)
	}
	if !isLoopbackHost(host) {
		fmt.Fprintf(env.Stderr, "leakhound: warning: serving on %s, reachable from other machines, with no authentication: anyone who reaches it can read these heap snapshots (and the secrets their strings may hold)\n", ln.Addr())
	}
	fmt.Fprintf(env.Stdout, "leakhound serve: %s (Ctrl-C to stop)\n", url)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	loadErr := make(chan error, 1)
	srv.Start(ctx, func(err error) { loadErr <- err })
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()
	defer func() {
		sctx, c := context.WithTimeout(context.Background(), 2*time.Second)
		defer c()
		hs.Shutdown(sctx)
	}()
	if ready != nil {
		ready(url)
	}
	if *open {
		if err := openBrowser(url); err != nil && !*quiet {
			fmt.Fprintf(env.Stderr, "leakhound: could not start a browser (%v); open %s\n", err, url)
		}
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-serveErr:
			return err
		case err := <-loadErr:
			if err != nil {
				return err
			}
			if !*quiet {
				fmt.Fprintf(env.Stderr, "leakhound serve: ready at %s\n", url)
			}
		}
	}
}

func isLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// serveInput decides what the arguments are: one snapshot, a series (a
// folder or several files, as leaks takes them) or a GC log (one file that
// is not a snapshot).
func serveInput(pos []string) (web.Kind, []string, error) {
	if len(pos) == 1 {
		st, err := os.Stat(pos[0])
		if err != nil {
			return "", nil, BadInputf("%s: no such file or folder", pos[0])
		}
		if !st.IsDir() {
			if isSnapshotFile(pos[0]) {
				return web.KindSnapshot, pos, nil
			}
			return web.KindGC, pos, nil
		}
	}
	files, err := snapshotSeries(pos)
	return web.KindSeries, files, err
}

// isSnapshotFile: a heap snapshot is JSON starting with {"snapshot"
// (possibly gzipped); anything else is taken for a GC log.
func isSnapshotFile(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	br := bufio.NewReader(f)
	var r io.Reader = br
	if head, _ := br.Peek(2); len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		z, err := gzip.NewReader(br)
		if err != nil {
			return false
		}
		r = z
	}
	buf := make([]byte, 64)
	n, _ := io.ReadFull(r, buf)
	s := strings.TrimLeft(string(buf[:n]), " \t\r\n\ufeff")
	return strings.HasPrefix(s, "{")
}

// serveGCLog reads a GC log as `gc` does, with default thresholds.
func serveGCLog(ctx context.Context, env *Env, path string, quiet bool, obs web.Observe) (*gctrace.Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, BadInput(err)
	}
	defer f.Close()
	var size int64
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	raw := &gctrace.Counter{R: f}
	in, err := gcDecode(&observedReader{r: raw, n: &raw.N, total: size, obs: obs, label: "reading " + filepath.Base(path)})
	if err != nil {
		return nil, BadInputf("%s: %v", path, err)
	}
	a := gctrace.NewAnalyzer(gctrace.Options{Thresholds: gctrace.DefaultThresholds()})
	prog := ui.NewProgress(env.Stderr, "reading GC log", size, !quiet)
	_, rerr := gcPump(ctx, in, a, prog, false, env, 0, true)
	prog.Done()
	if rerr != nil {
		if d := gctrace.GzipDamage(rerr, raw.N); d != "" {
			return nil, BadInputf("%s: %s", path, d)
		}
		return nil, rerr
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	a.Flush()
	s := a.Summary()
	if s.GCs == 0 {
		return nil, BadInputf("%s is neither a heap snapshot nor a GC log with V8 GC lines: for a GC log, %s", path, gctrace.NoGCLines)
	}
	return s, nil
}

// observedReader reports bytes read so far to obs.
type observedReader struct {
	r     io.Reader
	n     *int64
	total int64
	obs   web.Observe
	label string
}

func (o *observedReader) Read(p []byte) (int, error) {
	n, err := o.r.Read(p)
	o.obs(o.label, *o.n, o.total)
	return n, err
}
