'use strict';
// Work in flight behind a concurrency limiter: 8 calls hold its slots,
// waiting on an upstream that has not answered yet, and 400 more wait in
// its queue, each with the request it serves. One snapshot shows tasks
// waiting for a slot, not callbacks registered with a library, and what
// they keep is theirs, not another collection to bound.
const limit = require('tiny-limit');
const { once } = require('./lib');

const upstream = limit(8);
const pending = [];

class Request {
  constructor(id) { this.id = id; this.body = Buffer.alloc(2048, id % 251); this.headers = { 'x-id': String(id) }; }
}

async function callUpstream(req) {
  await new Promise((resolve) => pending.push(resolve)); // the answer comes later
  return req.id;
}

once(async () => {
  for (let i = 0; i < 408; i++) {
    const req = new Request(i);
    upstream(() => callUpstream(req));
  }
});
