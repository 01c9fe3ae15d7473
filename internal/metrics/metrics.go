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
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the collectors for one watched target.
type Metrics struct {
	Registry *prometheus.Registry

	heapUsed, heapTotal, external, arrayBuffers, rss, heapLimit prometheus.Gauge
	gcDuration                                                  *prometheus.HistogramVec
	gcForced                                                    *prometheus.CounterVec
	leakSignal, leakRate, up                                    prometheus.Gauge
	snapshots                                                   prometheus.Counter
	actions                                                     *prometheus.CounterVec
	restarts                                                    prometheus.Counter
	tracked, instances                                          *prometheus.GaugeVec
}

// New registers every collector in a fresh registry. constLabels (e.g.
// {"target": "api"}) are added to every series; nil is fine.
func New(constLabels prometheus.Labels) *Metrics {
	m := &Metrics{Registry: prometheus.NewRegistry()}
	g := func(name, help string) prometheus.Gauge {
		x := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help, ConstLabels: constLabels})
		m.Registry.MustRegister(x)
		return x
	}
	m.heapUsed = g("nodejs_heap_size_used_bytes", "Process heap size used from Node.js in bytes.")
	m.heapTotal = g("nodejs_heap_size_total_bytes", "Process heap size from Node.js in bytes.")
	m.external = g("nodejs_external_memory_bytes", "Node.js external memory size in bytes.")
	m.arrayBuffers = g("nodejs_array_buffers_bytes", "Memory allocated for ArrayBuffers and SharedArrayBuffers in bytes.")
	m.rss = g("process_resident_memory_bytes", "Resident memory size in bytes.")
	m.heapLimit = g("nodejs_heap_size_limit_bytes", "V8 heap size limit (heap_size_limit) in bytes.")
	// prom-client's buckets, so recording rules written for it still apply.
	m.gcDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "nodejs_gc_duration_seconds", Help: "Garbage collection duration by kind, one of major, minor, incremental or weakcb.",
		Buckets: []float64{0.001, 0.01, 0.1, 1, 2, 5}, ConstLabels: constLabels,
	}, []string{"kind"})
	m.Registry.MustRegister(m.gcDuration)
	// Beside prom-client's names (which count every GC): the forced ones.
	m.gcForced = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "leakhound_gc_forced_total",
		Help: "Garbage collections the program did not cause (global.gc(), heap snapshots, leakhound's gc action), by kind; also counted in nodejs_gc_duration_seconds.", ConstLabels: constLabels}, []string{"kind"})
	m.Registry.MustRegister(m.gcForced)
	m.leakSignal = g("leakhound_leak_signal", "1 while the post-GC heap has grown across the configured number of consecutive major GCs, else 0.")
	m.leakRate = g("leakhound_heap_growth_bytes_per_second", "Growth rate of the post-GC heap over the leak signal's window, in bytes per second.")
	m.up = g("leakhound_target_up", "1 while leakhound is connected to the target's inspector.")
	m.snapshots = prometheus.NewCounter(prometheus.CounterOpts{Name: "leakhound_snapshots_total", Help: "Heap snapshots taken.", ConstLabels: constLabels})
	m.actions = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "leakhound_actions_total", Help: "Actions fired, by trigger (warn, critical, restart, leak) and action.", ConstLabels: constLabels}, []string{"trigger", "action"})
	m.restarts = prometheus.NewCounter(prometheus.CounterOpts{Name: "leakhound_target_reconnects_total", Help: "Reconnections to the target after it restarted or the connection dropped.", ConstLabels: constLabels})
	m.tracked = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "leakhound_tracked_entries", Help: "Size in entries of a value watched with --track (a Map's or Set's size, an Array's length, an object's keys, a string's or Buffer's length).", ConstLabels: constLabels}, []string{"name"})
	m.instances = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "leakhound_live_instances", Help: "Live instances of a class counted with --count.", ConstLabels: constLabels}, []string{"name"})
	m.Registry.MustRegister(m.snapshots, m.actions, m.restarts, m.tracked, m.instances)
	return m
}

// Tracked sets a --track value (kind "instances": a --count).
func (m *Metrics) Tracked(name, kind string, v int64) {
	if kind == "instances" {
		m.instances.WithLabelValues(name).Set(float64(v))
		return
	}
	m.tracked.WithLabelValues(name).Set(float64(v))
}

// Memory sets the memory gauges from one sample.
func (m *Metrics) Memory(rss, heapTotal, heapUsed, external, arrayBuffers int64) {
	m.rss.Set(float64(rss))
	m.heapTotal.Set(float64(heapTotal))
	m.heapUsed.Set(float64(heapUsed))
	m.external.Set(float64(external))
	m.arrayBuffers.Set(float64(arrayBuffers))
}

// HeapLimit sets the heap limit gauge.
func (m *Metrics) HeapLimit(n int64) { m.heapLimit.Set(float64(n)) }

// GC observes one collection's pause.
func (m *Metrics) GC(kind string, pause time.Duration) {
	m.gcDuration.WithLabelValues(kind).Observe(pause.Seconds())
}

// ForcedGC counts one forced collection (also observed by GC).
func (m *Metrics) ForcedGC(kind string) {
	m.gcForced.WithLabelValues(kind).Inc()
}

// Leak sets the leak signal and the post-GC growth rate.
func (m *Metrics) Leak(active bool, bytesPerSecond float64) {
	v := 0.0
	if active {
		v = 1
	}
	m.leakSignal.Set(v)
	m.leakRate.Set(bytesPerSecond)
}

// Up records whether the target is connected.
func (m *Metrics) Up(up bool) {
	if up {
		m.up.Set(1)
	} else {
		m.up.Set(0)
	}
}

// Snapshot counts a heap snapshot.
func (m *Metrics) Snapshot() { m.snapshots.Inc() }

// Action counts an action fired by trigger.
func (m *Metrics) Action(trigger, action string) { m.actions.WithLabelValues(trigger, action).Inc() }

// Reconnect counts a reconnection.
func (m *Metrics) Reconnect() { m.restarts.Inc() }

// ListenAddr normalises a --metrics-addr value: a bare port or ":port"
// binds loopback, because metrics reveal a service's internals; a host,
// including 0.0.0.0, is used as given (the user asked for it).
func ListenAddr(addr string) (string, error) {
	if addr == "" {
		return "", errors.New("empty metrics address")
	}
	if _, err := fmt.Sscanf(addr, "%d", new(int)); err == nil && !containsColon(addr) {
		addr = ":" + addr
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("bad metrics address %q: %v", addr, err)
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
