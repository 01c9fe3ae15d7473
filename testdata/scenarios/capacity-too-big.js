'use strict';
// A history trimmed at 10,000 entries that each keep a 30 KB report: it
// is bounded, but at its bound it would hold about 300 MB, far more than
// the heap holds. A leak all the same: the bound is no bound.
const { series } = require('./lib');

class History {
  constructor(max = 10000) {
    this.max = max;
    this.items = [];
  }
  add(entry) {
    this.items.push(entry);
    if (this.items.length > this.max) this.items.shift();
  }
}

const history = new History();
let n = 0;

series(() => {
  for (let i = 0; i < 60; i++) {
    history.add({ id: n++, report: Array.from({ length: 4000 }, (_, k) => k * n).join(',') });
  }
});
