// Measures what watch's in-process probe costs the target, without the
// noise of HTTP load: a fixed allocation workload runs in alternating
// phases without and with the probe installed, and the CPU time of each
// phase (process.cpuUsage) is compared. Also times one sample evaluation.
// argv: install.js sample.js uninstall.js (written by main.go -probe).
'use strict';
const fs = require('fs');
const [install, sample, uninstall] = process.argv.slice(2).map((f) => fs.readFileSync(f, 'utf8'));
const perfHooks = require('perf_hooks');
const { PerformanceObserver } = perfHooks;

// Time the probe's own callback: the probe takes PerformanceObserver from
// this same module object, so a timing subclass sees every call.
let cbNs = 0n, cbEntries = 0;
perfHooks.PerformanceObserver = class extends PerformanceObserver {
  constructor(fn) {
    super((list, obs) => {
      const t = process.hrtime.bigint();
      fn(list, obs);
      cbNs += process.hrtime.bigint() - t;
      cbEntries += list.getEntries().length;
    });
  }
};

let sink = 0;
function workload() {
  // ~200k short-lived objects and some survivors: hundreds of scavenges
  // and a few major GCs per phase.
  const keep = [];
  for (let i = 0; i < 400000; i++) {
    const o = { i, s: 'v' + (i & 1023), a: [i, i + 1] };
    if (i % 50 === 0) keep.push(o);
    if (keep.length > 4000) keep.length = 0;
    sink += o.a[1];
  }
}

const tick = () => new Promise((r) => setTimeout(r, 1));

// One phase: the workload in ten slices with the event loop turning in
// between (as in a server), so GC observer callbacks run, and are counted,
// inside the phase. Idle time is not CPU time.
async function phase() {
  const t0 = process.cpuUsage();
  for (let k = 0; k < 10; k++) {
    workload();
    await tick();
  }
  await tick();
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / 1000; // ms
}

async function gcCount() {
  let n = 0;
  const obs = new PerformanceObserver((l) => { n += l.getEntries().length; });
  obs.observe({ entryTypes: ['gc'] });
  await phase();
  await tick();
  obs.disconnect();
  return n;
}

(async () => {
  for (let i = 0; i < 3; i++) await phase(); // warm-up
  const gcs = await gcCount();
  const off = [], on = [];
  for (let r = 0; r < 16; r++) {
    off.push(await phase());
    (0, eval)(install);
    on.push(await phase());
    (0, eval)(sample);
    (0, eval)(uninstall);
  }
  (0, eval)(install);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < 1000; i++) (0, eval)(sample);
  const sampleUs = Number(process.hrtime.bigint() - t0) / 1000 / 1000;
  (0, eval)(uninstall);
  const med = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];
  // Paired: each round's with-probe phase against its own without phase.
  const diff = med(on.map((v, i) => v - off[i]));
  console.log(JSON.stringify({ gcs_per_phase: gcs, off_ms: med(off), on_ms: med(off) + diff, sample_us: sampleUs,
    callback_us_per_gc: Number(cbNs) / 1000 / Math.max(cbEntries, 1), off, on }));
})();
