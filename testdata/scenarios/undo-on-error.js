'use strict';
// Leak: every write queues an undo callback, and the queue is drained
// only when a flush fails; flushes succeed, so the callbacks (each
// keeping its write's payload) stay.
const { series } = require('./lib');

const undo = [];
const table = new Map();

function write(key, value) {
  const old = table.get(key);
  table.set(key, value);
  undo.push(() => {
    table.set(key, old);
  });
}

function flush(fail) {
  try {
    if (fail) throw new Error('disk full');
  } catch (err) {
    while (undo.length) undo.pop()();
  }
}

let next = 0;
series(() => {
  for (let i = 0; i < 400; i++) {
    write('k' + (i % 50), { n: next++, body: 'v'.repeat(300) });
  }
  flush(false);
});
