'use strict';
// No leak (control corpus): a big structure (an index of 200,000 records
// and a large Array) built at start-up, before the first snapshot, and only
// read afterwards.
const { series } = require('./lib');

class Product {
  constructor(i) { this.sku = 'sku-' + i; this.price = i % 1000; this.tags = ['t' + (i % 50)]; }
}

const index = new Map();
const byPrice = [];
for (let i = 0; i < 200000; i++) {
  const p = new Product(i);
  index.set(p.sku, p);
  byPrice.push(p);
}
byPrice.sort((a, b) => a.price - b.price);

let next = 0;
series(() => {
  let sum = 0;
  for (let i = 0; i < 20000; i++) {
    const p = index.get('sku-' + ((next++ * 7919) % 200000));
    sum += p.price + byPrice[i % byPrice.length].price;
  }
  return sum;
}, { warmup: 1 });
