'use strict';
// A server's keep-alive timer holds the whole application (its closure
// keeps the app), and each of the app's many breakers keeps its own
// interval, held both by node's timer list and by the breaker: those
// Timeouts have the root as their dominator. The group of Timeouts must
// not take the root's size (the whole heap) as its own.
const { once } = require('./lib');

class Breaker {
  constructor(route) {
    this.route = route;
    this.stats = Array.from({ length: 10 }, (_, i) => ({ bucket: i, ok: 0, failed: 0 }));
    this.interval = setInterval(() => { this.stats.push(this.stats.shift()); }, 60000);
  }
}

once(() => {
  const app = { breakers: new Map(), catalog: [] };
  for (let i = 0; i < 20000; i++) app.catalog.push({ sku: 'SKU-' + i, title: 'item ' + i });
  for (let i = 0; i < 1500; i++) app.breakers.set('/v2/stock/' + i, new Breaker('/v2/stock/' + i));
  globalThis.keepAlive = setTimeout(() => app.breakers.size, 30000);
});
