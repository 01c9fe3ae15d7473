'use strict';
// An RPC client keeps { method, params, resolve, reject } per call and
// deletes it only on an ok reply; an error reply leaves it. Callers race
// each call against a timeout, so the entry's promise also keeps the
// TimeoutError its race settled with: the entry is the leak, not that.
const { series } = require('./lib');

class TimeoutError extends Error {}

const pending = new Map();
let seq = 0;

function call(method, params) {
  const id = ++seq;
  return new Promise((resolve, reject) => {
    pending.set(id, { method, params, resolve, reject });
  });
}

function reply(frame) {
  const entry = pending.get(frame.id);
  if (!entry) return;
  if (frame.ok) {
    pending.delete(frame.id);
    entry.resolve(frame.data);
    return;
  }
  entry.failures = (entry.failures || 0) + 1;
}

function withTimeout(p, ms) {
  let timer;
  const t = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError('timed out after ' + ms + ' ms')), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

series(async () => {
  const waits = [];
  for (let i = 0; i < 100; i++) {
    const id = seq + 1;
    const lines = Array.from({ length: 20 }, (_, k) => ({ sku: 'S' + k, title: 'item ' + k + ' of call ' + id }));
    waits.push(withTimeout(call('reserve', { lines }), 5).catch(() => {}));
    reply({ id, ok: i % 5 !== 0, data: 1 });
  }
  await Promise.all(waits);
});
