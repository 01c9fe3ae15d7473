'use strict';
// Shared driver for the leak corpus. Each scenario calls series(step): it
// warms up, then for every snapshot runs one round of work, lets timers and
// promise jobs run, and writes <dir>/s<i>.heapsnapshot with
// v8.writeHeapSnapshot (which collects garbage first).
//
// usage: node <scenario>.js OUTDIR [SNAPSHOTS=3]
const v8 = require('v8');
const path = require('path');
const fs = require('fs');

const outDir = process.argv[2];
const count = Number(process.argv[3] || 3);
if (!outDir || !(count >= 2 && count <= 20)) {
  console.error('usage: node ' + path.basename(process.argv[1]) + ' OUTDIR [SNAPSHOTS]');
  process.exit(2);
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

async function series(step, opts = {}) {
  fs.mkdirSync(outDir, { recursive: true });
  const warmup = opts.warmup === undefined ? 2 : opts.warmup;
  for (let i = 0; i < warmup; i++) {
    await step(-1 - i);
    await tick();
  }
  for (let i = 1; i <= count; i++) {
    await step(i);
    await tick();
    await tick();
    v8.writeHeapSnapshot(path.join(outDir, `s${i}.heapsnapshot`));
  }
  if (opts.done) opts.done();
}

module.exports = { series, tick };
