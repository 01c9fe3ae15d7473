'use strict';
// A semaphore whose release is skipped on an early return: once its slots
// are gone, every call queues a resolve function in `waiters` that nobody
// calls, and the async call stays suspended at its await with its job.
const { series } = require('./lib');

class Semaphore {
  constructor(n) { this.n = n; this.waiters = []; }
  acquire() {
    if (this.n > 0) { this.n--; return Promise.resolve(); }
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  release() {
    const w = this.waiters.shift();
    if (w) w(); else this.n++;
  }
}

const slots = new Semaphore(2);

class ExportJob {
  constructor(id) { this.query = 'SELECT * FROM t WHERE id = ' + id + ' -- ' + 'q'.repeat(400); }
}

async function runExport(job) {
  await slots.acquire();
  if (job.query.length > 0) return; // the bug: returns without release()
  slots.release();
}

let next = 0;
series(() => {
  for (let i = 0; i < 200; i++) runExport(new ExportJob(next++));
});
