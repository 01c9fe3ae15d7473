package watch

// The JavaScript leakhound evaluates in the target. Nothing is loaded from
// disk and the target's code is not changed: a PerformanceObserver for "gc"
// entries records each collection into a bounded buffer that every sample
// drains. After a major GC it also records the old generation's size (all
// spaces but the young ones), which is the post-GC heap the leak signal
// follows: it excludes young objects allocated since the collection.
//
// The state hangs off a registered symbol, non-enumerable, so a second
// leakhound (or a reconnect) reuses it and the program never sees it in
// Object.keys(globalThis).

const probeKey = `Symbol.for('leakhound.watch')`

// installJS installs the observer if needed and returns the target's
// identity and limits.
const installJS = `(() => {
  const K = ` + probeKey + `;
  const load = (m) => (process.getBuiltinModule ? process.getBuiltinModule(m) : require(m));
  let w = globalThis[K];
  if (!w) {
    const v8 = load('v8');
    const { PerformanceObserver } = load('perf_hooks');
    const buf = [];
    const max = 4096;
    const oldGen = () => {
      let n = 0;
      for (const s of v8.getHeapSpaceStatistics()) if (!s.space_name.startsWith('new_')) n += s.space_used_size;
      return n;
    };
    const obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const kind = e.detail ? e.detail.kind : e.kind;
        if (buf.length >= max) { w.dropped++; continue; }
        buf.push([kind, e.duration, e.startTime, kind === 4 ? oldGen() : 0]);
      }
    });
    obs.observe({ entryTypes: ['gc'] });
    w = { v8, buf, dropped: 0, stop() { obs.disconnect(); delete globalThis[K]; } };
    Object.defineProperty(globalThis, K, { value: w, configurable: true, enumerable: false, writable: true });
  }
  const perf = load('perf_hooks').performance;
  return { pid: process.pid, node: process.version, limit: w.v8.getHeapStatistics().heap_size_limit,
    origin: perf.timeOrigin, now: perf.now(), argv: (process.argv || []).slice(1, 3), title: process.title };
})()`

// sampleJS reads process.memoryUsage() and drains the GC buffer. It
// returns null GCs when the observer is gone (someone removed it), and
// the watcher re-installs it.
const sampleJS = `(() => {
  const w = globalThis[` + probeKey + `];
  const m = process.memoryUsage();
  let g = null, d = 0;
  if (w) { g = w.buf.splice(0); d = w.dropped; w.dropped = 0; }
  return [m.rss, m.heapTotal, m.heapUsed, m.external, m.arrayBuffers, g, d];
})()`

// uninstallJS removes the observer when watch stops.
const uninstallJS = `(() => { const w = globalThis[` + probeKey + `]; if (w) w.stop(); return true; })()`

// GC kinds as node's perf_hooks reports them (NODE_PERFORMANCE_GC_*), named
// as prom-client names them.
func gcKindName(k int) string {
	switch k {
	case 1:
		return "minor"
	case 4:
		return "major"
	case 8:
		return "incremental"
	case 16:
		return "weakcb"
	}
	return "other"
}

// ProbeSource returns the JavaScript watch evaluates in the target (install,
// sample, uninstall), for benchmarks that measure its cost in isolation.
func ProbeSource() (install, sample, uninstall string) { return installJS, sampleJS, uninstallJS }
