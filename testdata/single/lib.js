'use strict';
// Shared driver for the single-snapshot corpus: build the state, let timers
// and promise jobs run, write one snapshot with v8.writeHeapSnapshot (which
// collects garbage first).
//   usage: node <program>.js OUT.heapsnapshot
const v8 = require('v8');

async function once(build) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node ' + require('path').basename(process.argv[1]) + ' OUT.heapsnapshot');
    process.exit(2);
  }
  await build();
  await new Promise((resolve) => setImmediate(resolve));
  v8.writeHeapSnapshot(out);
  process.exit(0);
}

module.exports = { once };
