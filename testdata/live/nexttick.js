'use strict';
// An idle program whose step settles its promise from process.nextTick and
// keeps a record per call (a leak). Nothing else runs: a timer far away
// keeps it alive. `run --step 'handle()'` used to hang on it about one run
// in three (inspector.Conn.ExecInLoop says why).
class TickRecord { constructor(n) { this.n = n; this.data = new Array(64).fill(n); } }
const records = [];
let n = 0;
globalThis.handle = () => new Promise((resolve) => process.nextTick(() => {
  records.push(new TickRecord(n++));
  resolve();
}));
setInterval(() => {}, 1 << 30);
