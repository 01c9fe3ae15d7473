'use strict';
// A slow leak (5 overrides a round, kept in a Map under fresh string keys)
// next to a full LRU Map of 3,000 string keys churned every round. The keys
// of both Maps share a path shape (Map → table → string), so the leak's
// keys must be counted in its own Map, not across the heap.
const { series } = require('./lib');

class Page {
  constructor(k) { this.html = '<p>' + k + '</p>'; }
}
class Override {
  constructor(u) { this.user = u; this.flags = { beta: true }; }
}

class LRU {
  #max; #m = new Map();
  constructor(max) { this.#max = max; }
  set(k, v) {
    this.#m.delete(k);
    this.#m.set(k, v);
    if (this.#m.size > this.#max) this.#m.delete(this.#m.keys().next().value);
  }
}

const pages = new LRU(3000);
const overrides = new Map();
let n = 0;

function cachePage(k) { pages.set('/p/' + k, new Page(k)); }

for (let i = 0; i < 4000; i++) cachePage(n++);
series(() => {
  for (let i = 0; i < 3000; i++) cachePage(n++);
  for (let i = 0; i < 300; i++) {
    const body = Buffer.alloc(1024); // in flight at the snapshot
    setTimeout(() => body.fill(1), 100);
  }
  for (let i = 0; i < 5; i++) overrides.set('u' + n + '-' + i, new Override('u' + n));
}, { warmup: 0 });
