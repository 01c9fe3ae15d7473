'use strict';
// No leak: a string and a Buffer rebuilt at every request (new ids each
// time) but capped, and trimmed at least once between two snapshots (a
// steady state), so no snapshot's value is the previous one with more
// appended. leakhound must report no suspect.
const { series } = require('./lib');

const MAX = 256 << 10;
let recentLog = '';
const state = { tail: Buffer.alloc(0) };
let next = 0;

function onRequest(i) {
  recentLog += `GET /items/${i} 200 ${(i * 37) % 1000}ms\n`;
  if (recentLog.length > MAX) recentLog = recentLog.slice(-MAX / 2);
  if (i % 10 === 0) {
    state.tail = Buffer.concat([state.tail, Buffer.alloc(1024, i & 255)]);
    if (state.tail.length > MAX) state.tail = Buffer.from(state.tail.subarray(-MAX / 2));
  }
}

series(() => {
  for (let k = 0; k < 4000; k++) onRequest(next++);
}, { warmup: 3 });
