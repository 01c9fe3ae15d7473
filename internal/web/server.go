// Package web is the server behind `leakhound serve`: a read-only JSON API
// over analysed heap snapshots, a leak report or a GC log, and the embedded
// pages (plain HTML, CSS and hand-written JavaScript; no build step, nothing
// fetched from the network) that browse it, the way pprof's web UI does.
//
// It never parses a snapshot itself: the CLI hands it loaders that go
// through the same code as every command. The JSON reuses report's view
// models (the --json schemas); list endpoints page on the server, so the
// browser never receives the whole graph.
package web

import (
	"context"
	"embed"
	"io/fs"
	"net"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/leakhound/leakhound/internal/gctrace"
	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/leak"
)

// Kind is what the server shows.
type Kind string

// The kinds of input.
const (
	KindSnapshot Kind = "snapshot" // one heap snapshot: Summary first
	KindSeries   Kind = "series"   // snapshots of one process: leak report first
	KindGC       Kind = "gc"       // a --trace-gc log
)

// Observe receives loading progress: a phase label and, while reading a
// file, bytes done of total (0 when not known).
type Observe func(label string, done, total int64)

// Config says what to serve and how to load it.
type Config struct {
	Kind  Kind
	Names []string // display names of the snapshots (series or one snapshot)
	// Load loads and analyses snapshot i.
	Load func(ctx context.Context, i int, observe Observe) (*heapgraph.Graph, error)
	// Leaks analyses the series; it hands each graph it loaded to keep.
	Leaks func(ctx context.Context, observe Observe, keep func(i int, g *heapgraph.Graph)) (*leak.Report, error)
	// GC reads the GC log.
	GC func(ctx context.Context, observe Observe) (*gctrace.Summary, error)
	// MaxGraphs bounds the analysed snapshots held in memory (default 2).
	MaxGraphs int
	// MaxSuspects caps the one-snapshot accumulation report (default 10).
	MaxSuspects int
	// Sources reads the program's scripts for the one-snapshot report, and
	// their source maps for the object view's code (nil: none are read).
	Sources leak.Sources
}

//go:embed static
var static embed.FS

// Server serves one input. Create it with New, call Start to load, and
// serve Handler.
type Server struct {
	cfg Config

	mu       sync.Mutex
	addr     string // host:port served, for the Host check
	anyHost  bool   // bound to an unspecified address: IP literals are fine too
	hostName string // the host --addr named
	status   status
	leaks    *leak.Report
	gc       *gctrace.Summary
	snaps    []*snap
	clock    int // LRU clock for snapshots
	loading  bool
	ctx      context.Context
	diffs    map[[2]int]*leak.DiffResult
	diffBase struct {
		i int
		b *leak.DiffBase
	}
}

// status is what /api/status returns; the page shows it while loading.
type status struct {
	Kind      Kind     `json:"kind"`
	Snapshots []string `json:"snapshots"`
	Ready     bool     `json:"ready"`
	Error     string   `json:"error,omitempty"`
	Label     string   `json:"label"`
	Done      int64    `json:"done"`
	Total     int64    `json:"total"`
	// Loading is set while a snapshot is being loaded on demand.
	Loading bool    `json:"loading"`
	Elapsed float64 `json:"elapsed_s"`
	started time.Time
}

// New makes a server for cfg.
func New(cfg Config) *Server {
	if cfg.MaxGraphs <= 0 {
		cfg.MaxGraphs = 2
	}
	if cfg.MaxSuspects <= 0 {
		cfg.MaxSuspects = 10
	}
	s := &Server{cfg: cfg, diffs: map[[2]int]*leak.DiffResult{}}
	for range cfg.Names {
		s.snaps = append(s.snaps, &snap{})
	}
	s.diffBase.i = -1
	s.status = status{Kind: cfg.Kind, Snapshots: append([]string{}, cfg.Names...), Label: "starting", started: time.Now()}
	if s.status.Snapshots == nil {
		s.status.Snapshots = []string{}
	}
	return s
}

// SetAddr records the address the listener serves (host:port) and the
// host the user named, for the Host check.
func (s *Server) SetAddr(served string, named string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addr = served
	s.hostName = named
	host, _, _ := net.SplitHostPort(served)
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		s.anyHost = true
	}
}

// Start loads the input in the background; done (if set) is called with
// the outcome. The page can be opened meanwhile: it shows the progress.
func (s *Server) Start(ctx context.Context, done func(error)) {
	s.mu.Lock()
	s.ctx = ctx
	s.loading = true
	s.mu.Unlock()
	go func() {
		err := s.load(ctx)
		s.mu.Lock()
		s.loading = false
		if err != nil {
			s.status.Error = err.Error()
		} else {
			s.status.Ready = true
			s.status.Label = "ready"
		}
		s.mu.Unlock()
		if done != nil {
			done(err)
		}
	}()
}

func (s *Server) load(ctx context.Context) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &panicError{r}
		}
	}()
	switch s.cfg.Kind {
	case KindGC:
		sum, err := s.cfg.GC(ctx, s.observe)
		if err != nil {
			return err
		}
		s.mu.Lock()
		s.gc = sum
		s.mu.Unlock()
	case KindSeries:
		rep, err := s.cfg.Leaks(ctx, s.observe, func(i int, g *heapgraph.Graph) {
			// Keep the last snapshot: the report's paths link into it.
			if i == len(s.snaps)-1 {
				s.mu.Lock()
				s.install(i, g)
				s.mu.Unlock()
			}
		})
		if err != nil {
			return err
		}
		s.mu.Lock()
		s.leaks = rep
		s.mu.Unlock()
	default:
		g, err := s.cfg.Load(ctx, 0, s.observe)
		if err != nil {
			return err
		}
		s.mu.Lock()
		s.install(0, g)
		s.mu.Unlock()
	}
	return nil
}

func (s *Server) observe(label string, done, total int64) {
	s.mu.Lock()
	s.status.Label, s.status.Done, s.status.Total = label, done, total
	s.mu.Unlock()
}

type panicError struct{ v any }

func (p *panicError) Error() string {
	return "internal error while loading (please report this)"
}

// Handler is the HTTP handler: the pages and the API, behind the Host
// check.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	sub, _ := fs.Sub(static, "static")
	files := http.FileServerFS(sub)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		// Only the embedded pages: a name no file can have (bad UTF-8,
		// "..") is not found, not an error of the server.
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if name != "" && !fs.ValidPath(name) || !utf8.ValidString(name) {
			http.NotFound(w, r)
			return
		}
		files.ServeHTTP(w, r)
	})
	s.routes(mux)
	return s.guard(mux)
}

// guard refuses what a read-only local server must not answer: a foreign
// Host header (DNS rebinding), methods that could change anything. It
// sends no CORS headers, so other origins cannot read the answers.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.hostAllowed(r.Host) {
			http.Error(w, "forbidden: unknown Host header "+r.Host, http.StatusForbidden)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "read-only: method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'none'")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// hostAllowed: the served address, a loopback name, the host --addr
// named, or (bound to every interface) an IP literal, which DNS rebinding
// cannot forge.
func (s *Server) hostAllowed(hostport string) bool {
	s.mu.Lock()
	addr, named, anyHost := s.addr, s.hostName, s.anyHost
	s.mu.Unlock()
	if hostport == "" {
		return false
	}
	if hostport == addr {
		return true
	}
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	switch strings.ToLower(host) {
	case "localhost", "127.0.0.1", "::1":
		return true
	}
	if named != "" && strings.EqualFold(host, named) {
		return true
	}
	if ip := net.ParseIP(host); ip != nil && (ip.IsLoopback() || anyHost) {
		return true
	}
	return false
}
