'use strict';
// No leak (control corpus): a bounded cache that is still filling at the
// first snapshot, reaches its cap between the first and second, and then
// stays at its cap. `run` warms up one round, as here.
const { series } = require('./lib');

class CacheEntry {
  constructor(key) { this.key = key; this.rows = new Array(32).fill(key.length); }
}

const MAX = 4000;
const cache = new Map();
let next = 0;

function lookup(id) {
  const key = 'user:' + id;
  let e = cache.get(key);
  if (e) return e;
  e = new CacheEntry(key);
  cache.set(key, e);
  if (cache.size > MAX) cache.delete(cache.keys().next().value);
  return e;
}

series(() => {
  for (let i = 0; i < 1500; i++) lookup(next++);
}, { warmup: 1 });
