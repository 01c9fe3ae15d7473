'use strict';
// Big legitimate state: a product catalogue loaded once at startup into a
// Map and served from memory. It never grows after the load.
const { once } = require('./lib');

class Product {
  constructor(i) {
    this.sku = 'SKU-' + i;
    this.title = 'Product number ' + i;
    this.price = (i % 1000) / 10;
    this.tags = ['t' + (i % 17), 't' + (i % 31)];
  }
}

const catalogue = new Map();
once(() => {
  for (let i = 0; i < 20000; i++) catalogue.set('SKU-' + i, new Product(i));
  globalThis.catalogue = catalogue;
});
