'use strict';
// A connection pool that releases a connection only when its query
// succeeds: every failed query leaves its connection in `busy` for good,
// and the pool makes a new one (with its own receive Buffer) to replace it.
// The one leak is the busy Set; the idle array keeps its length, and the
// property names each failing statement adds to a connection's statement
// cache are V8's hidden-class bookkeeping, not suspects.
const { series } = require('./lib');

class Connection {
  constructor(id) {
    this.id = id;
    this.recv = Buffer.alloc(2048);
    this.statements = {};
  }
  query(sql) {
    this.statements[sql] = { sql, prepared: true };
    return new Promise((resolve, reject) => setImmediate(() =>
      sql.includes('FAIL') ? reject(new Error('deadlock: ' + sql)) : resolve(this.id)));
  }
}

class Pool {
  constructor() { this.idle = []; this.busy = new Set(); this.next = 1; }
  acquire() {
    const c = this.idle.pop() || new Connection(this.next++);
    this.busy.add(c);
    return c;
  }
  release(c) { this.busy.delete(c); this.idle.push(c); }
  run(sql) {
    const c = this.acquire();
    return c.query(sql).then((r) => { this.release(c); return r; }); // no release on error
  }
}

const pool = new Pool();
let n = 0;
series(async () => {
  const ps = [];
  for (let i = 0; i < 400; i++) {
    n++;
    const sql = n % 10 === 0 ? `UPDATE t SET x=1 WHERE id=${n} /*FAIL*/` : 'SELECT 1';
    ps.push(pool.run(sql).catch(() => {}));
  }
  await Promise.all(ps);
});
