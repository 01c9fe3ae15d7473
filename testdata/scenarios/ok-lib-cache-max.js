'use strict';
// No leak (control corpus): rendered reports in a library LRU cache created
// with a maximum (1,000 entries). Three snapshots see it still filling
// (600, 800, 1,000 entries after two rounds of warm-up), exactly as the
// cache without a maximum of lib-lru.js does: only the statement that
// creates the cache tells the two apart.
const { series } = require('./lib');
const { LRUCache } = require('lru-cache');

const MAX_REPORTS = 1000;

class RenderedReport {
  constructor(id) {
    this.id = id;
    this.rows = Array.from({ length: 40 }, (_, i) => ({ line: i, text: 'report ' + id + ' row ' + i }));
  }
}
const reportCache = new LRUCache({ max: MAX_REPORTS, ttl: 3600 * 1000 });
let next = 0;

series(() => {
  for (let i = 0; i < 200; i++) {
    const id = 'r' + next++;
    if (!reportCache.get(id)) reportCache.set(id, new RenderedReport(id));
  }
});
