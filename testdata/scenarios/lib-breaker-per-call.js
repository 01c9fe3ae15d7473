'use strict';
// Leak through a library object another of its objects makes: guard()
// makes a Breaker per call, whose Status runs an interval of its own; the
// program never calls the Breaker's shutdown(). A Breaker per region made
// once (regionBreaker) is the same library used right.
const Breaker = require('tiny-breaker');
const { series } = require('./lib');

const latest = new Map();

function guard(action, name) {
  const breaker = new Breaker(action, { name, buckets: 10 });
  breaker.status.on('snapshot', (stats) => latest.set(name, { open: breaker.opened, fires: stats.fires }));
  return breaker;
}

const regions = new Map();
function regionBreaker(region) {
  if (!regions.has(region)) regions.set(region, guard(async () => region, 'region:' + region));
  return regions.get(region);
}

async function quote(sku, region) {
  const breaker = guard(async () => ({ sku, region, amount: sku.length }), 'pricing:' + region);
  await regionBreaker(region).fire();
  return breaker.fire();
}

let n = 0;
series(async () => {
  for (let i = 0; i < 200; i++) await quote('sku-' + n++, 'r' + (i % 4));
}, { done: () => process.exit(0) });
