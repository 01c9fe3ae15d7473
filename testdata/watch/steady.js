// A steady service for the probe tests: requests every 20 ms update a
// bounded cache of 500 sessions (enough garbage for a few GCs a second,
// so watch's GC observer runs often). LEAK=1 also keeps a record of every
// request in `leaked`, forever.
'use strict';
const leak = process.env.LEAK === '1';
const cache = new Map();
const leaked = [];
let n = 0;

function request() {
  const k = 'session-' + (n++ % 500);
  cache.delete(k);
  cache.set(k, { id: n, body: 'x'.repeat(200) + n });
  if (leak) leaked.push({ id: n, note: 'request ' + n });
}

// Warm up before anyone watches: the program's own code is compiled and
// its cache full by the time watch attaches.
for (let i = 0; i < 5000; i++) request();
setInterval(() => {
  for (let i = 0; i < 100; i++) request();
}, 20);
console.log('ready ' + process.pid);
