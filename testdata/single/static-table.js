'use strict';
// Big legitimate state made of object literals: a range table built once
// at startup by index (records[i] = {...}) and kept in a module variable
// that a lookup function reads. Nothing in the heap says where object
// literals are made; the source does.
const { once } = require('./lib');

function loadTable() {
  const starts = new Uint32Array(30000);
  const records = new Array(30000);
  for (let i = 0; i < records.length; i++) {
    starts[i] = i * 4096;
    records[i] = {
      country: 'C' + (i % 200),
      region: 'region-' + (i % 300),
      org: 'Network operator ' + (i % 1000),
    };
  }
  return { starts, records };
}

const table = loadTable();

function lookup(n) {
  let lo = 0;
  let hi = table.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (table.starts[mid] <= n) lo = mid;
    else hi = mid - 1;
  }
  return table.records[lo];
}

once(() => {
  globalThis.lookup = lookup;
  lookup(12345);
});
