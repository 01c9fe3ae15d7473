'use strict';
// Metrics that are never trimmed: every request appends its latency (a
// double) to one array and bumps a per-request counter in one Map with
// small-integer keys and values. No new object is allocated: the array and
// the Map keep their ids while their backing stores grow.
const { series } = require('./lib');

const latencies = [];
const hitsByRequest = new Map();
let next = 0;

series(() => {
  for (let i = 0; i < 15000; i++) {
    latencies.push(Math.random() * 100);
    hitsByRequest.set(next++, 1);
  }
});
