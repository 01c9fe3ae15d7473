'use strict';
// A rate lookup memoized with lodash's memoize and called with a new
// request object each time: the default key is the object itself, so
// every call adds an entry (the request and its ShippingRate) for good.
const { series } = require('./lib');
const _ = require('lodash');

class ShippingRate {
  constructor(req) {
    this.zone = req.zone;
    this.lines = req.items.map((it) => ({ sku: it.sku, cost: it.qty * 3.5, note: 'rate for ' + it.sku }));
  }
}

class RateTable {
  constructor() { this.lookup = _.memoize((req) => new ShippingRate(req)); }
}

const rates = new RateTable();
let next = 0;
series(() => {
  for (let i = 0; i < 200; i++) {
    const req = { zone: 'z' + (next % 7), items: [{ sku: 'a' + next, qty: 2 }, { sku: 'b' + next, qty: 1 }] };
    next++;
    rates.lookup(req);
  }
});
