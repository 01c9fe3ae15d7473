'use strict';
// No leak (control corpus): bounded metrics. A window of the last 20,000
// latencies (doubles in a plain Array) and a per-route counter Map whose
// keys are a fixed set of small integers: the Array's backing store grows
// until the window is full, between the first and second snapshots, and
// then stays.
const { series } = require('./lib');

const WINDOW = 20000;
const latencies = [];
const hits = new Map();
let next = 0;

series(() => {
  for (let i = 0; i < 8000; i++) {
    latencies.push(Math.random() * 100);
    if (latencies.length > WINDOW) latencies.shift();
    const route = next++ % 300;
    hits.set(route, (hits.get(route) || 0) + 1);
  }
}, { warmup: 1 });
