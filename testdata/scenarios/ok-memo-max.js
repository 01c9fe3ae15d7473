'use strict';
// No leak (control corpus): per-customer price evaluations memoized with a
// memoizer library and a maximum of 1,000 results. Three snapshots see the
// memo at 600, 800 and 1,000 results (200 new customers a round after two
// rounds of warm-up), as lib-memoizer.js's memo without a maximum grows:
// only the statement that wraps the function tells them apart.
const { series } = require('./lib');
const memoize = require('tiny-memo');

const PRICE_MEMO_MAX = 1000;

class PriceBreakdown {
  constructor(customer) {
    this.customer = customer;
    this.lines = Array.from({ length: 12 }, (_, i) => ({ sku: 'sku-' + i, net: i * 3, note: customer + ' line ' + i }));
  }
}

class Pricing {
  constructor() {
    this.priceFor = memoize((customer) => new PriceBreakdown(customer), { max: PRICE_MEMO_MAX });
  }
}

const pricing = new Pricing();
let n = 0;
series(() => {
  for (let i = 0; i < 200; i++) pricing.priceFor('customer-' + n++);
});
