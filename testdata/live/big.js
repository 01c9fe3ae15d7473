// Holds N (argv[2], default 200000) small objects so a heap snapshot takes a
// noticeable time: used by the "target dies mid-snapshot" test and to
// measure snapshot size against used heap.
'use strict';
const n = Number(process.argv[2] || 200000);
const objs = new Array(n);
for (let i = 0; i < n; i++) objs[i] = { i, s: 'v' + i, next: null };
for (let i = 1; i < n; i++) objs[i - 1].next = objs[i];
globalThis.objs = objs;
setInterval(() => {}, 1000);
console.log('ready ' + process.pid);
