'use strict';
// Status closures kept as the values of a library cache (lru-cache) whose
// maximum, 50,000, is far more than the heap can hold at what each keeps:
// each captures its upload's parsed rows. The cache keeps values to read
// back, not callbacks it will call: the fix is the cache's bound, not a
// registration to undo. Its arrays are made at the maximum, filled with
// undefined: slots, not entries.
const { series } = require('./lib');
const { LRUCache } = require('lru-cache');

const statusCache = new LRUCache({ max: 50000, ttl: 3600 * 1000 });
let n = 0;

function upload(csv) {
  const rows = csv.split('\n').map((l) => l.split(','));
  const status = () => `upload ${n}: ${rows.length} rows`;
  statusCache.set('u' + n++, status);
}

function csvText() {
  return Array.from({ length: 50 }, (_, i) => `${i},${n},${'x'.repeat(40)}`).join('\n');
}

series(() => {
  for (let i = 0; i < 100; i++) upload(csvText());
});
