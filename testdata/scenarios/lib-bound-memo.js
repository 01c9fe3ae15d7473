'use strict';
// Leak through a library: a memoizer that binds its cache into the
// function it returns (a fast-memoize stand-in) wraps a basket's pricing,
// and the program passes the request's id and time in the arguments, so
// every JSON key is new. The keys' items repeat their fields (sku, qty);
// requestId and at are the fields that make each key new. The program's
// line is the call of the wrapper, in a request handler.
const memoize = require('tiny-bindmemo');
const { series } = require('./lib');

function priceLines(items, ctx) {
  let net = 0;
  const lines = items.map((it) => {
    const price = (it.sku.length * 7 + it.qty * 3) / 10;
    net += price * it.qty;
    return { sku: it.sku, qty: it.qty, price, note: 'line ' + it.sku + ' for ' + ctx.country + ' '.repeat(60) };
  });
  return { currency: ctx.currency, lines, net, gross: net * 1.2 };
}

const priceBasket = memoize(priceLines);

function handle(req) {
  const ctx = { requestId: 'rq-' + req.n, at: new Date(1700000000000 + req.n * 1000).toISOString(), currency: 'EUR', country: 'NL' };
  const quote = priceBasket(req.items, ctx);
  return quote.gross;
}

let n = 0;
series(() => {
  for (let i = 0; i < 400; i++) {
    const items = [];
    for (let k = 0; k < 3; k++) items.push({ sku: 'SKU-' + ((n + k) % 50), qty: 1 + (k % 3) });
    handle({ n: n++, items });
  }
});
