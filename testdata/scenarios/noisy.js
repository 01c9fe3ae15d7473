'use strict';
// A small, slow leak hidden in a lot of noise: heavy churn of short-lived
// objects, a bounded cache that keeps replacing its entries, a module loaded
// for the first time after the first snapshot, and big transient buffers.
// The leak (audit records kept forever, 40 per round) must still be the top
// suspect.
const { series } = require('./lib');

class AuditRecord {
  constructor(n) {
    this.n = n;
    this.at = Date.now();
    this.detail = new Array(32).fill(n);
  }
}
class CacheEntry {
  constructor(k) { this.k = k; this.rows = new Array(64).fill(1); }
}

const audit = [];
const cache = new Map();
let next = 0;
let round = 0;

series(() => {
  round++;
  if (round === 3) require('zlib'); // first round after the warm-up, before S2
  const junk = [];
  for (let i = 0; i < 20000; i++) junk.push({ i, s: 'junk-' + i, a: [i, i + 1] });
  for (let i = 0; i < 1000; i++) {
    const k = 'c' + (next++);
    cache.set(k, new CacheEntry(k));
    if (cache.size > 500) cache.delete(cache.keys().next().value);
  }
  const big = Buffer.alloc(4 << 20);
  big[0] = junk.length & 0xff;
  for (let i = 0; i < 40; i++) audit.push(new AuditRecord(next++));
});
