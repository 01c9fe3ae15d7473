'use strict';
// No leak (control corpus): heavy churn. Every round allocates and drops
// hundreds of thousands of short-lived objects, strings, arrays, closures,
// promises and buffers; nothing outlives the round.
const { series } = require('./lib');

class Request {
  constructor(id) { this.id = id; this.headers = { host: 'x', id: String(id) }; this.body = 'b'.repeat(id % 100); }
}

async function handle(req) {
  const parts = req.body.split('').map((c, i) => c + i);
  const json = JSON.stringify({ id: req.id, parts });
  await null;
  return JSON.parse(json).parts.length;
}

let next = 0;
series(async () => {
  const pending = [];
  for (let i = 0; i < 20000; i++) pending.push(handle(new Request(next++)));
  await Promise.all(pending);
  const bufs = [];
  for (let i = 0; i < 200; i++) bufs.push(Buffer.alloc(8192, i));
  const fns = [];
  for (let i = 0; i < 5000; i++) fns.push(() => i + bufs.length);
  return fns.reduce((a, f) => a + f(), 0);
}, { warmup: 1 });
