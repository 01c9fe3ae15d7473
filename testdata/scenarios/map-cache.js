'use strict';
// An unbounded cache: every request stores its result in a module-level Map
// under a fresh key and nothing ever evicts.
const { series } = require('./lib');

class CacheEntry {
  constructor(key) {
    this.key = key;
    this.value = { rows: new Array(64).fill(key.length) };
    this.storedAt = Date.now();
  }
}

const cache = new Map();
let next = 0;

function lookup(userId) {
  const key = 'user:' + userId;
  let e = cache.get(key);
  if (!e) {
    e = new CacheEntry(key);
    cache.set(key, e);
  }
  return e.value;
}

series(() => {
  for (let i = 0; i < 500; i++) lookup(next++);
});
