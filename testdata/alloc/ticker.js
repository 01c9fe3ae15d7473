// A program that leaks on its own: every 20 ms tick() (line 11) calls
// remember() (line 7), which keeps a record in a module-level Map. For
// `capture --count N --allocation-stacks`. Prints "ready".
'use strict';
const kept = new Map();
let n = 0;
function remember(id) {
  kept.set(id, { id, at: Date.now(), note: 'record ' + id });
}

function tick() {
  for (let i = 0; i < 50; i++) remember(n++);
}
setInterval(tick, 20);
console.log('ready');
