// Concatenated strings of every shape, for the cons-string naming test:
// a += chain thousands deep (first side), a right-deep chain, balanced
// trees, two-byte and astral characters, and short chains under 1024.
// usage: node strings.js OUT.heapsnapshot
'use strict';
const v8 = require('v8');
const keep = [];
let log = '';
for (let i = 0; i < 4000; i++) log += 'line ' + i + ' ok\n';
keep.push(log);
let right = 'end';
for (let i = 0; i < 300; i++) right = ('r' + i + '-') + right;
keep.push(right);
const tree = (d) => (d === 0 ? 'leaf' + Math.random().toString(36).slice(2, 8) + '-' : tree(d - 1) + tree(d - 1));
for (let d = 3; d < 11; d++) keep.push(tree(d));
let wide = '';
for (let i = 0; i < 200; i++) wide += 'ü€😀' + i;
keep.push(wide);
for (let i = 0; i < 50; i++) keep.push('short-' + i + '-' + 'x'.repeat(i * 3) + Math.random());
globalThis.keep = keep;
v8.writeHeapSnapshot(process.argv[2]);
