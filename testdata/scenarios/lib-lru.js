'use strict';
// A cache from a library created with a ttl and no max (mimics lru-cache's
// bundled build: a minified class with a Map and parallel arrays). One
// leak, one suspect, named after the program's class and variable.
const { series } = require('./lib');
const { LRUCache } = require('lru-cache');

class RenderedReport {
  constructor(id) {
    this.id = id;
    this.rows = Array.from({ length: 40 }, (_, i) => ({ line: i, text: 'report ' + id + ' row ' + i }));
  }
}
const reportCache = new LRUCache({ ttl: 3600 * 1000 });
let next = 0;

series(() => {
  for (let i = 0; i < 200; i++) {
    const id = 'r' + next++;
    if (!reportCache.get(id)) reportCache.set(id, new RenderedReport(id));
  }
});
