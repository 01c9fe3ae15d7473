// A program with two worker threads for the inspector tests: the main
// thread is idle, each worker keeps objects of its own class (WorkerThing)
// that the main thread's heap snapshot cannot contain. "ready" once both
// workers run.
'use strict';
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');
if (isMainThread) {
  let up = 0;
  for (const name of ['parser', 'indexer']) {
    const w = new Worker(__filename, { name, workerData: name });
    w.on('message', () => { if (++up === 2) console.log('ready ' + process.pid); });
  }
  setInterval(() => {}, 1000);
} else {
  class WorkerThing { constructor(i) { this.i = i; this.who = workerData + i; } }
  globalThis.kept = [];
  for (let i = 0; i < 2000; i++) globalThis.kept.push(new WorkerThing(i));
  parentPort.postMessage('up');
  setInterval(() => {}, 1000);
}
