'use strict';
// Schemas of a library whose classes V8 names _ (zod 4), memoized by a key
// with a request id in it: named by the class's name property.
const { series } = require('./lib');
const schema = require('tiny-schema');

const cache = new Map();
function orderSchema(opts) {
  const k = JSON.stringify(opts);
  let s = cache.get(k);
  if (!s) {
    s = schema.object({ currency: 'string', lines: 'array', label: 'string' });
    cache.set(k, s);
  }
  return s;
}

let req = 0;
series(() => {
  for (let i = 0; i < 200; i++) orderSchema({ currency: 'EUR', label: 'order ' + req++ });
});
