// A leak inside a worker thread: each handle() posts a job, and the worker
// keeps every parsed job in a Map it never prunes. The main thread's heap
// stays flat; run --worker 1 must find the Map.
'use strict';
const { Worker, isMainThread, parentPort } = require('node:worker_threads');
if (isMainThread) {
  const w = new Worker(__filename);
  let id = 0;
  globalThis.handle = () => new Promise((res) => {
    const my = ++id;
    const f = (m) => { if (m === my) { w.off('message', f); res(); } };
    w.on('message', f);
    w.postMessage(my);
  });
  setInterval(() => {}, 1000);
} else {
  class ParsedJob { constructor(id) { this.id = id; this.words = ('job ' + id + ' lorem ipsum').split(' '); } }
  const jobIndex = new Map();
  parentPort.on('message', (id) => { jobIndex.set(id, new ParsedJob(id)); parentPort.postMessage(id); });
}
