package watch

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/nodetest"
)

// The probe as leakhound wrote it before GC flags (4 numbers a record, no
// version), to test that a newer watcher and an older one share a target.

const installJSv1 = `(() => {
  const K = ` + probeKey + `;
  const CAP = ` + ringCap + `;
  const load = (m) => (process.getBuiltinModule ? process.getBuiltinModule(m) : require(m));
  let w = globalThis[K];
  if (w && !w.ring) {
    for (const id of Array.from(w.subs.keys())) w.stop(id);
    w = globalThis[K];
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
        if (kind === 4 && old < 0) old = oldGen();
        for (const s of subs.values()) {
          if (!s.r) continue; // an older leakhound's registration
          if (s.n >= CAP) { s.dropped++; continue; }
          const j = ((s.head + s.n) %% CAP) * 4;
          s.r[j] = kind; s.r[j + 1] = e.duration; s.r[j + 2] = e.startTime; s.r[j + 3] = kind === 4 ? old : 0;
          s.n++;
        }
      }
    });
    obs.observe({ entryTypes: ['gc'] });
    w = { ring: true, v8, subs, stop(id) { subs.delete(id); if (subs.size === 0) { obs.disconnect(); delete globalThis[K]; } } };
    Object.defineProperty(globalThis, K, { value: w, configurable: true, enumerable: false, writable: true });
  }
  if (!w.subs.has(%[1]q)) w.subs.set(%[1]q, { r: new Float64Array(CAP * 4), head: 0, n: 0, dropped: 0 });
  const perf = load('perf_hooks').performance;
  return { pid: process.pid, node: process.version, limit: w.v8.getHeapStatistics().heap_size_limit,
    origin: perf.timeOrigin, now: perf.now(), argv: (process.argv || []).slice(1, 3), title: process.title };
})()`

const sampleJSv1 = `(() => {
  const CAP = ` + ringCap + `;
  const w = globalThis[` + probeKey + `];
  const s = w && w.ring ? w.subs.get(%[1]q) : undefined;
  const m = process.memoryUsage();
  let g = 'null', d = 0;
  if (s) {
    g = '[';
    for (let i = 0; i < s.n; i++) {
      const j = ((s.head + i) %% CAP) * 4;
      g += (i ? ',[' : '[') + s.r[j] + ',' + s.r[j + 1] + ',' + s.r[j + 2] + ',' + s.r[j + 3] + ']';
    }
    g += ']';
    s.head = (s.head + s.n) %% CAP; s.n = 0;
    d = s.dropped; s.dropped = 0;
  }
  return '[' + m.rss + ',' + m.heapTotal + ',' + m.heapUsed + ',' + m.external + ',' + m.arrayBuffers + ',' + g + ',' + d + ']';
})()`

// TestProbeUpgrade: an older leakhound's observer is replaced by the new
// one, and both watchers keep reading records of their own width.
func TestProbeUpgrade(t *testing.T) {
	node := nodetest.Path(t)
	script := "const r = [];\n" +
		"r.push(JSON.stringify(eval(" + jsString(probeJS(installJSv1, "old")) + ")));\n" +
		"r.push(JSON.stringify(eval(" + jsString(probeJS(installJS, "new")) + ")));\n" +
		"global.gc();\n" +
		"setTimeout(() => { console.log(eval(" + jsString(probeJS(sampleJSv1, "old")) + ")); console.log(eval(" + jsString(probeJS(sampleJS, "new")) + ")); }, 200);\n"
	path := filepath.Join(t.TempDir(), "upgrade.js")
	if err := os.WriteFile(path, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, node, "--expose-gc", path).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 {
		t.Fatalf("output %q", out)
	}
	for i, width := range []int{4, 5} {
		var raw []json.RawMessage
		if err := json.Unmarshal([]byte(lines[i]), &raw); err != nil || len(raw) != 7 {
			t.Fatalf("sample %q: %v", lines[i], err)
		}
		var gcs [][]float64
		if err := json.Unmarshal(raw[5], &gcs); err != nil || len(gcs) == 0 {
			t.Fatalf("GCs %s: %v", raw[5], err)
		}
		forced := false
		for _, g := range gcs {
			if len(g) != width || gcKindName(int(g[0])) == "other" || g[1] < 0 {
				t.Fatalf("watcher %d: record %v, want %d numbers", i, g, width)
			}
			forced = forced || width == 5 && int(g[4])&gcFlagForced != 0
		}
		if width == 5 && !forced {
			t.Errorf("global.gc() not flagged forced: %v", gcs)
		}
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
