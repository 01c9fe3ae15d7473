'use strict';
// Leak through a signals library whose nodes link effects and signals both
// ways: a view stores the dispose function of its effect in this.dispose,
// and narrow() calls watch() again, which stores a new one over it without
// calling the old: the first effect stays on every price it read. close()
// disposes of the last one only.
const { signal, effect } = require('tiny-reactive');
const { series } = require('./lib');

// Every symbol is in both Maps from the start: the prices Map is at its
// fixed set of keys, and what grows is inside its values.
const prices = new Map();
const meta = new Map();
for (let i = 0; i < 60; i++) {
  prices.set('S' + i, signal(10 + i));
  meta.set('S' + i, { sector: i % 5, lot: 1 + (i % 3) });
}

class PriceView {
  constructor(symbols) {
    this.symbols = symbols;
    this.rows = [];
    this.note = 'v'.repeat(300);
    this.dispose = null;
  }

  watch(filter) {
    this.dispose = effect(() => {
      this.rows = this.symbols.filter(filter).map((s) => ({ s, px: prices.get(s).value }));
    });
    return this;
  }

  narrow(min) {
    return this.watch((s) => prices.get(s).value >= min);
  }

  close() {
    if (this.dispose) this.dispose();
    this.dispose = null;
  }
}

let n = 0;
series(() => {
  for (let i = 0; i < 150; i++) {
    const symbols = [];
    for (let k = 0; k < 8; k++) symbols.push('S' + ((n * 7 + k * 11) % 60));
    n++;
    const view = new PriceView(symbols).watch(() => true);
    if (i % 2 === 0) view.narrow(30);
    view.close();
  }
  const s = prices.get('S' + (n % 60));
  s.value = s.value + 1;
});
