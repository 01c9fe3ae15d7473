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
//
// Watch takes periodic snapshots and analyses them for leaks, so the probe
// must not look like one: its buffer is a Float64Array ring allocated once
// (a GC adds numbers to it, never objects), the callback and the sample
// create no object or array literals (whose allocation sites V8 keeps), and
// a sample returns one string, so nothing it builds outlives the call.

const probeKey = `Symbol.for('leakhound.watch')`

// ringCap is the GC records a watcher's buffer holds between samples.
const ringCap = "4096"

// A record is [kind, pause, start, oldGen, flags]: flags are node's
// NODE_PERFORMANCE_GC_FLAGS_* (forced = 4, set by global.gc()). Watchers
// registered by a leakhound from before flags have 4-number records (no
// "w" in their registration); the observer writes each watcher's width.

// installJS installs the observer if needed, registers the watcher %q and
// returns the target's identity and limits. A probe left by an older
// leakhound (no ring) is removed first; an observer from before flags
// (no "v") is replaced by this one, keeping its watchers' buffers.
const installJS = `(() => {
  const K = ` + probeKey + `;
  const CAP = ` + ringCap + `;
  const load = (m) => (process.getBuiltinModule ? process.getBuiltinModule(m) : require(m));
  let w = globalThis[K];
  if (w && !w.ring) {
    for (const id of Array.from(w.subs.keys())) w.stop(id);
    w = globalThis[K];
  }
  let keep = [];
  if (w && !w.v) {
    keep = Array.from(w.subs.entries());
    for (const [id] of keep) w.stop(id);
    if (globalThis[K] === w) delete globalThis[K];
    w = undefined;
  }
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
      const es = list.getEntries();
      for (let i = 0; i < es.length; i++) {
        const e = es[i];
        const kind = e.detail ? e.detail.kind : e.kind;
        const flags = e.detail ? e.detail.flags : e.flags;
        if (kind === 4 && old < 0) old = oldGen();
        for (const s of subs.values()) {
          if (!s.r) continue; // an older leakhound's registration
          if (s.n >= CAP) { s.dropped++; continue; }
          const W = s.w || 4;
          const j = ((s.head + s.n) %% CAP) * W;
          s.r[j] = kind; s.r[j + 1] = e.duration; s.r[j + 2] = e.startTime; s.r[j + 3] = kind === 4 ? old : 0;
          if (W > 4) s.r[j + 4] = flags || 0;
          s.n++;
        }
      }
    });
    obs.observe({ entryTypes: ['gc'] });
    w = { ring: true, v: 2, v8, subs, stop(id) { subs.delete(id); if (subs.size === 0) { obs.disconnect(); delete globalThis[K]; } } };
    Object.defineProperty(globalThis, K, { value: w, configurable: true, enumerable: false, writable: true });
  }
  for (const [id, s] of keep) if (!w.subs.has(id)) w.subs.set(id, s);
  if (!w.subs.has(%[1]q)) w.subs.set(%[1]q, { r: new Float64Array(CAP * 5), w: 5, head: 0, n: 0, dropped: 0 });
  const perf = load('perf_hooks').performance;
  return { pid: process.pid, node: process.version, limit: w.v8.getHeapStatistics().heap_size_limit,
    origin: perf.timeOrigin, now: perf.now(), argv: (process.argv || []).slice(1, 3), title: process.title };
})()`

// sampleJS reads process.memoryUsage() and drains watcher %q's GC buffer.
// It returns the JSON text [rss, heapTotal, heapUsed, external,
// arrayBuffers, [[kind, pause, start, oldGen, flags], ...], dropped]. GCs are null
// when the observer or the registration is gone (someone removed it), and
// the watcher re-installs.
const sampleJS = `(() => {
  const CAP = ` + ringCap + `;
  const w = globalThis[` + probeKey + `];
  const s = w && w.ring ? w.subs.get(%[1]q) : undefined;
  const m = process.memoryUsage();
  let g = 'null', d = 0;
  if (s) {
    g = '[';
    const W = s.w || 4;
    for (let i = 0; i < s.n; i++) {
      const j = ((s.head + i) %% CAP) * W;
      g += (i ? ',[' : '[') + s.r[j] + ',' + s.r[j + 1] + ',' + s.r[j + 2] + ',' + s.r[j + 3] + (W > 4 ? ',' + s.r[j + 4] : '') + ']';
    }
    g += ']';
    s.head = (s.head + s.n) %% CAP; s.n = 0;
    d = s.dropped; s.dropped = 0;
  }
  return '[' + m.rss + ',' + m.heapTotal + ',' + m.heapUsed + ',' + m.external + ',' + m.arrayBuffers + ',' + g + ',' + d + ']';
})()`

// uninstallJS unregisters watcher %q (and removes the observer after the
// last one) when watch stops.
const uninstallJS = `(() => { const w = globalThis[` + probeKey + `]; if (w) w.stop(%[1]q); return true; })()`

func probeJS(tmpl, id string) string { return fmt.Sprintf(tmpl, id) }

// nowJS reads the target's clock, the one GC records' start times use.
const nowJS = `performance.now()`

// gcFlagForced is NODE_PERFORMANCE_GC_FLAGS_FORCED: the GC was forced
// (global.gc()). Heap snapshots' and the inspector's collectGarbage GCs
// carry no flag; watch marks the ones it caused itself by time.
const gcFlagForced = 4

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
