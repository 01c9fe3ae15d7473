// Writes a heap snapshot that is mostly one linked list: the deepest DFS
// path a heap can give the dominator computation (its worst case for the
// DFS's path stack, bench/perf.md "Seventh pass").
//   node --max-old-space-size=4096 bench/make-chain-snapshot.js OUT.heapsnapshot [LENGTH]
'use strict';
const v8 = require('v8');

const out = process.argv[2];
const length = Number(process.argv[3] || 2_000_000);
if (!out || !(length > 0)) {
  console.error('usage: make-chain-snapshot.js OUT [LENGTH]');
  process.exit(2);
}
let head = null;
for (let i = 0; i < length; i++) head = { next: head };
globalThis.keep = head;
v8.writeHeapSnapshot(out);
