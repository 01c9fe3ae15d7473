'use strict';
// Leak: one small bounded cache per invoice (max 16 fragments), kept in a
// Map by invoice id and dropped only when an invoice is voided; settled
// invoices, most of them, keep theirs. Each cache is bounded; how many
// there are is not.
const { series } = require('./lib');
const { LRUCache } = require('lru-cache');

class FragmentCaches {
  constructor() {
    this.byInvoice = new Map();
  }

  through(invoiceId, key, render) {
    let cache = this.byInvoice.get(invoiceId);
    if (!cache) {
      cache = new LRUCache({ max: 16 });
      this.byInvoice.set(invoiceId, cache);
    }
    let v = cache.get(key);
    if (v === undefined) {
      v = render();
      cache.set(key, v);
    }
    return v;
  }

  discard(invoiceId) {
    this.byInvoice.delete(invoiceId);
  }
}

const fragments = new FragmentCaches();
let next = 0;
series(() => {
  for (let i = 0; i < 200; i++) {
    const id = 'inv-' + next++;
    for (let line = 0; line < 3; line++) {
      fragments.through(id, 'line' + line, () => '<tr><td>' + id + ' line ' + line + '</td></tr>' + ' '.repeat(60));
    }
    if (i % 10 === 0) fragments.discard(id); // voided; settled ones are never discarded
  }
});
