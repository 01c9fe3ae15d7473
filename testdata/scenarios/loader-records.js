'use strict';
// Leak: a DataLoader kept at module level whose batch function returns
// plain records (object literals): its cache keeps a settled promise and
// its record per order id for good. The records are what leaks.
const { series } = require('./lib');
const DataLoader = require('dataloader');

const orderLoader = new DataLoader(async (ids) => ids.map((id) => ({
  id,
  status: 'shipped',
  lines: Array.from({ length: 8 }, (_, i) => ({ sku: 'sku-' + i, qty: i + 1 })),
  notes: 'order ' + id + ' ' + 'n'.repeat(80),
})));
let next = 0;

series(async () => {
  const all = [];
  for (let i = 0; i < 200; i++) all.push(orderLoader.load('o' + next++));
  await Promise.all(all);
});
