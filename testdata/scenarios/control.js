'use strict';
// No leak: a bounded LRU cache that is full before the first snapshot, churn
// of short-lived objects, listeners added and removed, timers that are
// cleared, and promises that settle. leakhound must report no suspect.
const { EventEmitter } = require('events');
const { series } = require('./lib');

class LRU {
  constructor(max) { this.max = max; this.map = new Map(); }
  get(k) {
    const v = this.map.get(k);
    if (v !== undefined) { this.map.delete(k); this.map.set(k, v); }
    return v;
  }
  set(k, v) {
    this.map.delete(k);
    this.map.set(k, v);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value);
  }
}

class CacheEntry {
  constructor(key) { this.key = key; this.rows = new Array(64).fill(1); }
}
class RequestContext {
  constructor(id) { this.id = id; this.payload = new Array(64).fill(id); }
}

const cache = new LRU(400);
const bus = new EventEmitter();
bus.setMaxListeners(0);
let next = 0;

async function request() {
  const id = next++;
  const key = 'k' + id;
  if (!cache.get(key)) cache.set(key, new CacheEntry(key));
  const ctx = new RequestContext(id);
  const onResponse = () => ctx.id;
  bus.on('response', onResponse);
  const t = setTimeout(() => {}, 60000);
  await Promise.resolve(ctx);
  clearTimeout(t);
  bus.removeListener('response', onResponse);
  return ctx.payload.length;
}

series(async () => {
  const garbage = [];
  for (let i = 0; i < 500; i++) garbage.push({ i, s: 'tmp' + i });
  await Promise.all(Array.from({ length: 500 }, request));
}, { warmup: 3 });
