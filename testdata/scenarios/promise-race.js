'use strict';
// Every call races its query against one process-wide "shutdown" promise
// that never settles: Promise.race subscribes to shutdown each time, so
// every call's reaction (its race promise and its result) stays queued on
// shutdown forever, though the call itself finished long ago.
const { series } = require('./lib');

let triggerShutdown; // the code that would call it was removed
const shutdown = new Promise((resolve) => { triggerShutdown = resolve; });

class QueryResult {
  constructor(id) {
    this.rows = Array.from({ length: 20 }, (_, k) => ({ id: id * 100 + k }));
  }
}

async function query(id) { return new QueryResult(id); }

async function handleQuery(id) {
  const r = await Promise.race([query(id), shutdown]);
  return r.rows.length;
}

let next = 0;
series(async () => {
  for (let i = 0; i < 200; i++) await handleQuery(next++);
});
