'use strict';
// Leak: a quote function memoized on its argument, which each call builds
// anew as an object literal. The memoizer's key is the object's identity
// (here its normalizer hands the object itself to a Map), so no call ever
// finds an earlier result: every quote stays.
const { series } = require('./lib');
const memoize = require('tiny-memo');

class Quote {
  constructor(req) {
    this.sku = req.sku;
    this.qty = req.qty;
    this.total = req.qty * 9.5;
    this.lines = [{ label: 'net', amount: this.total }];
  }
}

function buildQuote(req) {
  return new Quote(req);
}

const cachedQuote = memoize(buildQuote, { byIdentity: true });

function quote(params) {
  const request = {
    sku: params.sku,
    qty: Math.max(1, Number(params.qty) || 1),
  };
  return cachedQuote(request);
}

let next = 0;
series(() => {
  for (let i = 0; i < 300; i++) quote({ sku: 'SKU-' + (next++ % 20), qty: 2 });
});
