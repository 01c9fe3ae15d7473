'use strict';
// No leak (control corpus): a cache with manual eviction at a fixed size
// under heavy churn. It is full before the first snapshot; V8 then doubles
// its Map's hash table once (deleted entries fill the table while more than
// half of it is live), just after the first snapshot, and keeps that size:
// the table's slots and retained size jump once, the entries never change.
const { series } = require('./lib');

class CacheEntry {
  constructor(key) { this.key = key; this.value = { hits: 0, body: 'v' + key }; }
}

const MAX = 5000;
const cache = new Map();
let next = 0;

function put(id) {
  const key = 'k' + id;
  cache.set(key, new CacheEntry(key));
  if (cache.size > MAX) cache.delete(cache.keys().next().value);
}

series(() => {
  for (let i = 0; i < 3000; i++) put(next++);
}, { warmup: 1 });
