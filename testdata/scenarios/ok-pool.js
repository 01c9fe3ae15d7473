'use strict';
// No leak (control corpus): a connection pool that creates connections on
// demand up to its maximum. Demand rises in the first rounds, so the pool
// grows between the first and second snapshots, reaches its maximum and
// then only reuses its connections.
const { series } = require('./lib');

class Connection {
  constructor(id) { this.id = id; this.buffer = Buffer.alloc(16 << 10); this.queries = 0; }
}

class Pool {
  constructor(max) { this.max = max; this.all = []; this.idle = []; }
  acquire() {
    if (this.idle.length) return this.idle.pop();
    if (this.all.length < this.max) {
      const c = new Connection(this.all.length);
      this.all.push(c);
      return c;
    }
    return null;
  }
  release(c) { this.idle.push(c); }
}

const pool = new Pool(64);
let round = 0;

series(() => {
  round++;
  // Concurrency 24, 48, 72, ...: capped by the pool's 64.
  const want = 24 * round;
  for (let k = 0; k < 50; k++) {
    const held = [];
    for (let i = 0; i < want; i++) {
      const c = pool.acquire();
      if (!c) break;
      c.queries++;
      held.push(c);
    }
    for (const c of held) pool.release(c);
  }
}, { warmup: 1 });
