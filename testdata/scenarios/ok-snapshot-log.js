'use strict';
// No leak (control corpus): a service whose only growth is one line of
// its own bookkeeping per round (the heap used, kept in a module-level
// list), next to steady work. A line per snapshot taken is not a leak
// of the workload, and a CI gate must not fail on it.
const { series } = require('./lib');

const log = [];
const cache = new Map();
let next = 0;
series(() => {
  for (let i = 0; i < 2000; i++) {
    cache.set('k' + (next++ % 500), { v: next, s: 'v'.repeat(40) });
  }
  log.push('round heapUsed=' + process.memoryUsage().heapUsed);
});
