// Package metrics exposes what `leakhound watch` samples from a Node.js
// process as Prometheus metrics, under the names prom-client's default
// metrics use (nodejs_heap_size_used_bytes, process_resident_memory_bytes,
// nodejs_gc_duration_seconds{kind}, ...), so existing Node dashboards work
// unchanged for a process whose code was never touched; plus leakhound's
// own leak signal, snapshot and action counters.
//
// It uses a private registry: Go's own process collector would otherwise
// report leakhound's RSS under the target's process_resident_memory_bytes.
package metrics

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is one watched target's view of the collectors. A registry made
// by New serves one target (series without a target label, as before
// watch watched several); one made by NewMulti serves several, each
// target's series labelled target (its name in the history) and pid,
// through views made by For.
type Metrics struct {
	Registry *prometheus.Registry

	f  *family
	lv []string // this view's label values: none, or target and pid
}

// family holds the collectors of one registry.
type family struct {
	heapUsed, heapTotal, external, arrayBuffers, rss, heapLimit *prometheus.GaugeVec
	gcDuration                                                  *prometheus.HistogramVec
	gcForced                                                    *prometheus.CounterVec
	leakSignal, leakRate, up                                    *prometheus.GaugeVec
	snapshots                                                   *prometheus.CounterVec
	actions                                                     *prometheus.CounterVec
	restarts                                                    *prometheus.CounterVec
	tracked, instances                                          *prometheus.GaugeVec
}

// TargetLabels are the labels of a NewMulti registry's series.
var TargetLabels = []string{"target", "pid"}

// New registers every collector in a fresh registry for one target.
// constLabels (e.g. {"target": "api"}) are added to every series; nil is
// fine.
func New(constLabels prometheus.Labels) *Metrics {
	m := &Metrics{Registry: prometheus.NewRegistry()}
	m.f = newFamily(m.Registry, constLabels, nil)
	m.init()
	return m
}

// NewMulti registers every collector in a fresh registry for several
// targets; For gives each target its view.
func NewMulti() *Metrics {
	m := &Metrics{Registry: prometheus.NewRegistry()}
	m.f = newFamily(m.Registry, nil, TargetLabels)
	return m
}

// For is the view of the target named name with pid, in a NewMulti
// registry. Its series exist (at zero) from now until Forget.
func (m *Metrics) For(name string, pid int) *Metrics {
	v := &Metrics{Registry: m.Registry, f: m.f, lv: []string{name, strconv.Itoa(pid)}}
	v.init()
	return v
}

// Forget removes this view's series: the target was let go, and a gone
// process's last values would otherwise be scraped for ever.
func (m *Metrics) Forget() {
	if len(m.lv) == 0 {
		return
	}
	match := prometheus.Labels{}
	for i, l := range TargetLabels {
		match[l] = m.lv[i]
	}
	for _, c := range m.f.all() {
		c.DeletePartialMatch(match)
	}
}

// init creates the view's plain series, so they are scraped (at zero)
// before the first sample, as a plain Gauge is.
func (m *Metrics) init() {
	f := m.f
	for _, g := range []*prometheus.GaugeVec{f.heapUsed, f.heapTotal, f.external, f.arrayBuffers, f.rss, f.heapLimit, f.leakSignal, f.leakRate, f.up} {
		g.WithLabelValues(m.lv...)
	}
	f.snapshots.WithLabelValues(m.lv...)
	f.restarts.WithLabelValues(m.lv...)
}

// partial is what Forget needs of a vector.
type partial interface {
	DeletePartialMatch(prometheus.Labels) int
}

func (f *family) all() []partial {
	return []partial{f.heapUsed, f.heapTotal, f.external, f.arrayBuffers, f.rss, f.heapLimit, f.gcDuration, f.gcForced,
		f.leakSignal, f.leakRate, f.up, f.snapshots, f.actions, f.restarts, f.tracked, f.instances}
}

func newFamily(reg *prometheus.Registry, constLabels prometheus.Labels, labels []string) *family {
	f := &family{}
	with := func(extra ...string) []string { return append(append([]string(nil), labels...), extra...) }
	g := func(name, help string) *prometheus.GaugeVec {
		x := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help, ConstLabels: constLabels}, with())
		reg.MustRegister(x)
		return x
	}
	f.heapUsed = g("nodejs_heap_size_used_bytes", "Process heap size used from Node.js in bytes.")
	f.heapTotal = g("nodejs_heap_size_total_bytes", "Process heap size from Node.js in bytes.")
	f.external = g("nodejs_external_memory_bytes", "Node.js external memory size in bytes.")
	f.arrayBuffers = g("nodejs_array_buffers_bytes", "Memory allocated for ArrayBuffers and SharedArrayBuffers in bytes.")
	f.rss = g("process_resident_memory_bytes", "Resident memory size in bytes.")
	f.heapLimit = g("nodejs_heap_size_limit_bytes", "V8 heap size limit (heap_size_limit) in bytes.")
	// prom-client's buckets, so recording rules written for it still apply.
	f.gcDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "nodejs_gc_duration_seconds", Help: "Garbage collection duration by kind, one of major, minor, incremental or weakcb.",
		Buckets: []float64{0.001, 0.01, 0.1, 1, 2, 5}, ConstLabels: constLabels,
	}, with("kind"))
	reg.MustRegister(f.gcDuration)
	// Beside prom-client's names (which count every GC): the forced ones.
	f.gcForced = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "leakhound_gc_forced_total",
		Help: "Garbage collections the program did not cause (global.gc(), heap snapshots, leakhound's gc action), by kind; also counted in nodejs_gc_duration_seconds.", ConstLabels: constLabels}, with("kind"))
	reg.MustRegister(f.gcForced)
	f.leakSignal = g("leakhound_leak_signal", "1 while the post-GC heap has grown across the configured number of consecutive major GCs, else 0.")
	f.leakRate = g("leakhound_heap_growth_bytes_per_second", "Growth rate of the post-GC heap over the leak signal's window, in bytes per second.")
	f.up = g("leakhound_target_up", "1 while leakhound is connected to the target's inspector.")
	f.snapshots = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "leakhound_snapshots_total", Help: "Heap snapshots taken.", ConstLabels: constLabels}, with())
	f.actions = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "leakhound_actions_total", Help: "Actions fired, by trigger (warn, critical, restart, leak) and action.", ConstLabels: constLabels}, with("trigger", "action"))
	f.restarts = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "leakhound_target_reconnects_total", Help: "Reconnections to the target after it restarted or the connection dropped.", ConstLabels: constLabels}, with())
	f.tracked = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "leakhound_tracked_entries", Help: "Size in entries of a value watched with --track (a Map's or Set's size, an Array's length, an object's keys, a string's or Buffer's length).", ConstLabels: constLabels}, with("name"))
	f.instances = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "leakhound_live_instances", Help: "Live instances of a class counted with --count.", ConstLabels: constLabels}, with("name"))
	reg.MustRegister(f.snapshots, f.actions, f.restarts, f.tracked, f.instances)
	return f
}

// l is the view's label values followed by extra ones.
func (m *Metrics) l(extra ...string) []string {
	return append(append(make([]string, 0, len(m.lv)+len(extra)), m.lv...), extra...)
}

// Tracked sets a --track value (kind "instances": a --count).
func (m *Metrics) Tracked(name, kind string, v int64) {
	if kind == "instances" {
		m.f.instances.WithLabelValues(m.l(name)...).Set(float64(v))
		return
	}
	m.f.tracked.WithLabelValues(m.l(name)...).Set(float64(v))
}

// Memory sets the memory gauges from one sample.
func (m *Metrics) Memory(rss, heapTotal, heapUsed, external, arrayBuffers int64) {
	m.f.rss.WithLabelValues(m.lv...).Set(float64(rss))
	m.f.heapTotal.WithLabelValues(m.lv...).Set(float64(heapTotal))
	m.f.heapUsed.WithLabelValues(m.lv...).Set(float64(heapUsed))
	m.f.external.WithLabelValues(m.lv...).Set(float64(external))
	m.f.arrayBuffers.WithLabelValues(m.lv...).Set(float64(arrayBuffers))
}

// HeapLimit sets the heap limit gauge.
func (m *Metrics) HeapLimit(n int64) { m.f.heapLimit.WithLabelValues(m.lv...).Set(float64(n)) }

// GC observes one collection's pause.
func (m *Metrics) GC(kind string, pause time.Duration) {
	m.f.gcDuration.WithLabelValues(m.l(kind)...).Observe(pause.Seconds())
}

// ForcedGC counts one forced collection (also observed by GC).
func (m *Metrics) ForcedGC(kind string) {
	m.f.gcForced.WithLabelValues(m.l(kind)...).Inc()
}

// Leak sets the leak signal and the post-GC growth rate.
func (m *Metrics) Leak(active bool, bytesPerSecond float64) {
	v := 0.0
	if active {
		v = 1
	}
	m.f.leakSignal.WithLabelValues(m.lv...).Set(v)
	m.f.leakRate.WithLabelValues(m.lv...).Set(bytesPerSecond)
}

// Up records whether the target is connected.
func (m *Metrics) Up(up bool) {
	v := 0.0
	if up {
		v = 1
	}
	m.f.up.WithLabelValues(m.lv...).Set(v)
}

// Snapshot counts a heap snapshot.
func (m *Metrics) Snapshot() { m.f.snapshots.WithLabelValues(m.lv...).Inc() }

// Action counts an action fired by trigger.
func (m *Metrics) Action(trigger, action string) {
	m.f.actions.WithLabelValues(m.l(trigger, action)...).Inc()
}

// Reconnect counts a reconnection.
func (m *Metrics) Reconnect() { m.f.restarts.WithLabelValues(m.lv...).Inc() }

// ListenAddr normalises a listening address (watch's --metrics-addr,
// serve's --addr): a bare port or ":port" binds loopback, because what is
// served reveals a service's internals; a host, including 0.0.0.0, is used
// as given (the user asked for it).
func ListenAddr(addr string) (string, error) {
	if addr == "" {
		return "", errors.New("empty address")
	}
	if _, err := fmt.Sscanf(addr, "%d", new(int)); err == nil && !containsColon(addr) {
		addr = ":" + addr
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("bad address %q: %v", addr, err)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port), nil
}

func containsColon(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			return true
		}
	}
	return false
}

// Server serves /metrics until Close.
type Server struct {
	ln  net.Listener
	srv *http.Server
}

// Serve listens on addr (after ListenAddr) and serves the registry at
// /metrics. The returned server's Addr has the actual port (for ":0").
func (m *Metrics) Serve(addr string) (*Server, error) {
	a, err := ListenAddr(addr)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", a)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintln(w, "leakhound watch: metrics at /metrics")
	})
	s := &Server{ln: ln, srv: &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops the server, letting in-flight scrapes finish briefly.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return s.srv.Shutdown(ctx)
}
