'use strict';
// Allocation stacks in a series: writes OUTDIR/s1..sN.heapsnapshot with
// V8's allocation tracking on (over node's own inspector session) from the
// first snapshot, as `leakhound capture --count N --allocation-stacks`
// does. Two leaks at known lines: remember() (line 18) keeps a Session in
// a Map, subscribe() (line 22) adds a listener to a long-lived emitter;
// handle() (line 26) calls both.
//
// usage: node [--no-turbo-inlining --no-maglev-inlining] series.js OUTDIR [N=3]
const inspector = require('node:inspector');
const fs = require('node:fs');
const path = require('node:path');
const { EventEmitter } = require('node:events');

class Session { constructor(id) { this.id = id; this.payload = 'p'.repeat(1024) + id; } }
const sessions = new Map();
const bus = new EventEmitter(); bus.setMaxListeners(0);
function remember(id) {
  sessions.set(id, new Session(id));
}

function subscribe(id) {
  bus.on('tick', () => id);
}

function handle(n) {
  for (let i = 0; i < n; i++) {
    const id = (globalThis.next = (globalThis.next || 0) + 1);
    remember(id);
    subscribe(id);
  }
}

const session = new inspector.Session();
session.connect();
const post = (m, p) => new Promise((res, rej) => session.post(m, p || {}, (e, r) => (e ? rej(e) : res(r))));

async function snapshot(file) {
  const fd = fs.openSync(file, 'w');
  const onChunk = (m) => fs.writeSync(fd, m.params.chunk);
  session.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  await post('HeapProfiler.collectGarbage');
  await post('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  session.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  fs.closeSync(fd);
}

(async () => {
  const out = process.argv[2];
  const count = Number(process.argv[3] || 3);
  fs.mkdirSync(out, { recursive: true });
  handle(100); // warm-up, untracked
  await post('HeapProfiler.startTrackingHeapObjects', { trackAllocations: true });
  for (let i = 1; i <= count; i++) {
    if (i > 1) handle(300);
    await snapshot(path.join(out, `s${i}.heapsnapshot`));
  }
  await post('HeapProfiler.disable');
  session.disconnect();
})();
