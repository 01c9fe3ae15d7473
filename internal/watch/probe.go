package watch

import "fmt"

// The JavaScript leakhound evaluates in the target. Nothing is loaded from
// disk and the target's code is not changed: a PerformanceObserver for "gc"
// entries records each collection into a bounded buffer that every sample
// drains. After a major GC it also records the old generation's size (all
// spaces but the young ones), which is the post-GC heap the leak signal
// follows: it excludes young objects allocated since the collection.
//
// The state hangs off a registered symbol, non-enumerable, so the program
// never sees it in Object.keys(globalThis). Each watcher (two leakhounds,
// or one that reconnects) registers its own bounded buffer under its id,
// so none drains GCs meant for another; the observer goes away with the
// last watcher.

const probeKey = `Symbol.for('leakhound.watch')`

// installJS installs the observer if needed, registers the watcher %q and
// returns the target's identity and limits.
const installJS = `(() => {
  const K = ` + probeKey + `;
  const load = (m) => (process.getBuiltinModule ? process.getBuiltinModule(m) : require(m));
  let w = globalThis[K];
  if (!w) {
    const v8 = load('v8');
    const { PerformanceObserver } = load('perf_hooks');
    const subs = new Map();
    const oldGen = () => {
      let n = 0;
      for (const s of v8.getHeapSpaceStatistics()) if (!s.space_name.startsWith('new_')) n += s.space_used_size;
      return n;
    };
    const obs = new PerformanceObserver((list) => {
      let old = -1;
      for (const e of list.getEntries()) {
        const kind = e.detail ? e.detail.kind : e.kind;
        if (kind === 4 && old < 0) old = oldGen();
        const rec = [kind, e.duration, e.startTime, kind === 4 ? old : 0];
        for (const s of subs.values()) {
          if (s.buf.length >= 4096) s.dropped++;
          else s.buf.push(rec);
        }
      }
    });
    obs.observe({ entryTypes: ['gc'] });
    w = { v8, subs, stop(id) { subs.delete(id); if (subs.size === 0) { obs.disconnect(); delete globalThis[K]; } } };
    Object.defineProperty(globalThis, K, { value: w, configurable: true, enumerable: false, writable: true });
  }
  if (!w.subs.has(%[1]q)) w.subs.set(%[1]q, { buf: [], dropped: 0 });
  const perf = load('perf_hooks').performance;
  return { pid: process.pid, node: process.version, limit: w.v8.getHeapStatistics().heap_size_limit,
    origin: perf.timeOrigin, now: perf.now(), argv: (process.argv || []).slice(1, 3), title: process.title };
})()`

// sampleJS reads process.memoryUsage() and drains watcher %q's GC buffer.
// GCs are null when the observer or the registration is gone (someone
// removed it), and the watcher re-installs.
const sampleJS = `(() => {
  const w = globalThis[` + probeKey + `];
  const s = w && w.subs.get(%[1]q);
  const m = process.memoryUsage();
  let g = null, d = 0;
  if (s) { g = s.buf.splice(0); d = s.dropped; s.dropped = 0; }
  return [m.rss, m.heapTotal, m.heapUsed, m.external, m.arrayBuffers, g, d];
})()`

// uninstallJS unregisters watcher %q (and removes the observer after the
// last one) when watch stops.
const uninstallJS = `(() => { const w = globalThis[` + probeKey + `]; if (w) w.stop(%[1]q); return true; })()`

func probeJS(tmpl, id string) string { return fmt.Sprintf(tmpl, id) }

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
// sample, uninstall) for watcher id, for benchmarks that measure its cost in
// isolation.
func ProbeSource(id string) (install, sample, uninstall string) {
	return probeJS(installJS, id), probeJS(sampleJS, id), probeJS(uninstallJS, id)
}
