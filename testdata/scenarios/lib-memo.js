'use strict';
// A memoised async function (mimics a fastify service's price lookup): a
// module-level Map of settled promises, one per user.
const { series } = require('./lib');

class PriceQuote {
  constructor(sku, user) {
    this.sku = sku;
    this.breakdown = Array.from({ length: 25 }, (_, i) => ({ part: 'p' + i, note: sku + ':' + user + ':' + i }));
  }
}
const quoteMemo = new Map();
function quote(sku, user) {
  const key = sku + '|' + user;
  let p = quoteMemo.get(key);
  if (!p) {
    p = (async () => { await null; return new PriceQuote(sku, user); })();
    quoteMemo.set(key, p);
  }
  return p;
}
let next = 0;

series(async () => {
  const all = [];
  for (let i = 0; i < 200; i++) all.push(quote('sku' + (i % 10), 'u' + next++));
  await Promise.all(all);
});
