// Something in the program calls global.gc() every 150 ms (run with
// --expose-gc, e.g. NODE_OPTIONS=--expose-gc), beside a little churn of
// its own: watch must count those collections as forced.
'use strict';
const cache = new Map();
let n = 0;
setInterval(() => {
  const k = 'k' + (n++ % 200);
  cache.set(k, { id: n, body: 'x'.repeat(100) + n });
}, 10);
setInterval(() => global.gc(), 150);
console.log('ready');
