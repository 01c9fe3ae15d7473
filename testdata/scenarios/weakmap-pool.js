'use strict';
// Leak: per-worker memo tables in a WeakMap "so they go away with the
// worker", but the workers are a fixed pool that lives for ever: each
// worker's Map keeps a result per request id.
const { series } = require('./lib');

class Worker {
  constructor(id) {
    this.id = id;
    this.busy = false;
  }
}

const pool = [new Worker(1), new Worker(2), new Worker(3)];
const memoByWorker = new WeakMap();

function render(worker, requestId) {
  let memo = memoByWorker.get(worker);
  if (!memo) {
    memo = new Map();
    memoByWorker.set(worker, memo);
  }
  const out = { requestId, html: '<p>' + requestId + '</p>'.repeat(40) };
  memo.set(requestId, out);
  return out.html.length;
}

let next = 0;
series(() => {
  for (let i = 0; i < 300; i++) render(pool[i % pool.length], 'r' + next++);
});
