// Shared by the golden programs: write a heap snapshot of this process to
// the path given as the first argument, after a full GC when --expose-gc.
'use strict';
const v8 = require('v8');
module.exports = function writeSnapshot() {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node PROGRAM.js OUT.heapsnapshot');
    process.exit(2);
  }
  if (global.gc) global.gc();
  v8.writeHeapSnapshot(out);
};
