'use strict';
// No leak (control corpus): a pool of render workers, each with a
// preallocated scratch area, made on demand while fewer than its maximum
// exist and kept on an idle list between jobs. Peak concurrency rises by
// ten each round, so the three snapshots see 30, 40 and 50 workers: the
// pool is still filling toward its 60, and only the guard on creating a
// worker tells that from a leak.
const { series } = require('./lib');

class RenderWorker {
  constructor(id) {
    this.id = id;
    this.scratch = Array.from({ length: 300 }, () => ({ glyph: 0, x: 0, y: 0, width: 0 }));
    this.jobs = 0;
  }
}

class WorkerPool {
  constructor({ max = 60 } = {}) {
    this.max = max;
    this.made = 0;
    this.idle = [];
  }
  acquire() {
    const w = this.idle.pop();
    if (w) return w;
    if (this.made < this.max) return new RenderWorker(++this.made);
    return null;
  }
  release(w) {
    w.jobs++;
    this.idle.push(w);
  }
}

const pool = new WorkerPool();
let round = 0;

series(() => {
  round++;
  const busy = [];
  for (let i = 0; i < 10 * round; i++) {
    const w = pool.acquire();
    if (w) busy.push(w);
  }
  for (const w of busy) pool.release(w);
});
