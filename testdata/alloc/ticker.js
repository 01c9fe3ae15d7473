// A program that leaks on its own: tick() (line 11) calls remember()
// (line 7), which keeps a record in a module-level Map: 2,500 records a
// second of wall time, however often tick() gets to run. For
// `capture --count N --allocation-stacks`. Prints "ready".
'use strict';
const kept = new Map();
function remember(id) {
  kept.set(id, { id, at: Date.now(), note: 'record ' + id });
}

function tick() {
  while (n < due()) remember(n++);
}
// It catches up on the records it owes, so each interval between snapshots
// grows by its length even when a loaded machine or a snapshot holds the
// program back (setInterval skips the ticks it missed).
let n = 0;
const start = Date.now();
const due = () => Math.floor((Date.now() - start) * 2.5);
setInterval(tick, 20);
console.log('ready');
