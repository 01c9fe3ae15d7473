'use strict';
// In-test leak checks: run a function many times in this process, take V8
// heap snapshots of this isolate (a worker's own heap when run in a worker
// thread, as under Jest and Vitest), and let the leakhound binary say what
// leaks, through which path, from which line, and how to fix it.
const v8 = require('v8');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFile } = require('child_process');
const { binaryPath } = require('./binary.js');

class LeakError extends Error {
  constructor(message, report, snapshotsDir) {
    super(message);
    this.name = 'LeakError';
    this.report = report;
    this.snapshotsDir = snapshotsDir;
  }
}

const defaults = { iterations: 300, warmup: 30, snapshots: 3, timeout: 5 * 60 * 1000 };

function checkOptions(options) {
  const o = { ...defaults, ...(options || {}) };
  for (const k of ['iterations', 'warmup', 'snapshots', 'timeout']) {
    if (!Number.isInteger(o[k]) || o[k] < 0) throw new TypeError(`leakhound: ${k} must be a whole number >= 0, got ${o[k]}`);
  }
  if (o.snapshots < 2 || o.snapshots > 20) throw new RangeError(`leakhound: snapshots must be between 2 and 20, got ${o.snapshots}`);
  if (o.iterations < o.snapshots - 1) throw new RangeError(`leakhound: iterations (${o.iterations}) must be at least snapshots - 1 (${o.snapshots - 1})`);
  if (o.minCount !== undefined && !(Number.isInteger(o.minCount) && o.minCount >= 0)) throw new TypeError('leakhound: minCount must be a whole number >= 0');
  if (o.minGrowth !== undefined && !(typeof o.minGrowth === 'number' && o.minGrowth >= 0) && !(typeof o.minGrowth === 'string' && sizeRe.test(o.minGrowth.trim()))) {
    // Said before the calls and snapshots, not after them.
    throw new TypeError(`leakhound: minGrowth must be a number of bytes or a size such as "1MB" or "512KiB", got ${JSON.stringify(o.minGrowth)}`);
  }
  return o;
}

// settle lets timers due now, I/O callbacks and promise jobs run, so work
// the function started finishes before a snapshot.
function settle() {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

async function calls(fn, n, start) {
  for (let i = 0; i < n; i++) {
    const r = fn(start + i);
    if (r && typeof r.then === 'function') await r;
  }
}

// sizeRe is a size the binary's --min-growth takes (1MB, 512KiB, 100000).
const sizeRe = /^\d+(\.\d+)?\s*(b|k|m|g|kb|mb|gb|ki|mi|gi|kib|mib|gib)?$/i;

function run(bin, args, timeout) {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { timeout, maxBuffer: 256 << 20, env: { ...process.env, NO_COLOR: '1' }, windowsHide: true },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        if (code === 0 || code === 1) return resolve({ code, stdout, stderr });
        let why = (stderr || '').trim().replace(/^leakhound: /, '') || (err && err.message) || 'failed';
        if (err && err.killed) why = `the analysis took longer than the timeout (${timeout} ms); raise the timeout option`;
        reject(new Error(`leakhound: ${why}`));
      });
  });
}

// leakCheck runs fn, snapshots the heap, and returns leakhound's report with
// `leak` (a suspect passed the thresholds), `text` (the report for people)
// and `snapshotsDir` (set when the snapshots were kept).
async function leakCheck(fn, options) {
  if (typeof fn !== 'function') throw new TypeError('leakhound: leakCheck(fn) needs a function');
  const o = checkOptions(options);
  const bin = o.binary || binaryPath();
  let dir;
  if (o.keep) {
    fs.mkdirSync(o.keep, { recursive: true });
    dir = o.keep;
  } else {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakhound-check-'));
  }
  // Everything this check keeps is made before the baseline, so none of
  // it is new in the later snapshots.
  const files = [];
  for (let i = 1; i <= o.snapshots; i++) files.push(path.join(dir, `s${i}.heapsnapshot`));
  const rounds = o.snapshots - 1;
  const per = Math.floor(o.iterations / rounds);
  let failed = false;
  try {
    await calls(fn, o.warmup, 0);
    await settle();
    v8.writeHeapSnapshot(files[0]);
    let done = o.warmup;
    for (let r = 1; r <= rounds; r++) {
      const n = r === rounds ? o.iterations - per * (rounds - 1) : per;
      await calls(fn, n, done);
      done += n;
      await settle();
      v8.writeHeapSnapshot(files[r]);
    }
    const args = ['leaks', ...files, '--quiet', '--fail-on-leak'];
    if (o.minGrowth !== undefined) args.push('--min-growth', String(o.minGrowth));
    if (o.minCount !== undefined) args.push('--min-count', String(o.minCount));
    const json = await run(bin, [...args, '--json'], o.timeout);
    const report = JSON.parse(json.stdout);
    report.leak = json.code === 1;
    if (report.leak) {
      failed = true;
      report.text = (await run(bin, args, o.timeout)).stdout;
    }
    if (failed || o.keep) report.snapshotsDir = dir;
    return report;
  } finally {
    // Kept for a leak (the report names them) or when asked; a failure
    // (fn threw, the analysis failed) leaves nothing behind.
    if (!failed && !o.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

// assertNoLeak throws a LeakError whose message is leakhound's report (the
// suspect, its path, the line of code and the fix) when fn leaks.
async function assertNoLeak(fn, options) {
  const report = await leakCheck(fn, options);
  if (!report.leak) return report;
  const top = report.suspects && report.suspects[0];
  const head = top
    ? `memory leak: ${top.class} (${top.pattern}) grew by ${top.growth_count} in ${report.snapshots.length} snapshots`
    : 'memory leak';
  const msg = `${head}\n\n${report.text.trimEnd()}\n\nsnapshots kept in ${report.snapshotsDir}`;
  throw new LeakError(msg, report, report.snapshotsDir);
}

module.exports = { assertNoLeak, leakCheck, LeakError, binaryPath };
