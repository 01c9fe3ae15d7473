'use strict';
// --track and --count: a global Map and a module's array that grow, a
// Proxy whose traps must never run, and a class with more instances every
// tick.
const { pending } = require('./tracked-queue.js');
const { Order } = require('./tracked-models.js');

globalThis.userCache = new Map();
globalThis.trapHits = [];
globalThis.px = new Proxy({ a: 1 }, {
  get(t, k) { globalThis.trapHits.push('get ' + String(k)); return t[k]; },
  ownKeys(t) { globalThis.trapHits.push('ownKeys'); return Reflect.ownKeys(t); },
  getPrototypeOf(t) { globalThis.trapHits.push('getPrototypeOf'); return Reflect.getPrototypeOf(t); },
});
const orders = [];
let i = 0;
setInterval(() => {
  for (let k = 0; k < 20; k++) {
    userCache.set('u' + i, { id: i });
    pending.push({ job: i });
    orders.push(new Order(i));
    i++;
  }
}, 50);
console.log('ready');
