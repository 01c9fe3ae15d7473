// A small HTTP service for the live tests. MODE (argv[2]) is "leak" or
// "clean": both build a response object per request; "leak" also keeps each
// one in a module-level cache that is never evicted (the guide's classic
// unbounded-cache leak). Listens on 127.0.0.1:$PORT (0 = any free port) and
// prints "ready PORT". globalThis.handle(n) runs n requests' worth of work
// in-process, for --step.
'use strict';
const http = require('http');
const mode = process.argv[2] || 'clean';

class RequestRecord {
  constructor(n, url) {
    this.n = n;
    this.url = url;
    this.headers = { 'x-request': String(n), at: Date.now() };
    this.body = 'payload-' + n + '-' + 'x'.repeat(200);
  }
}
const requestCache = new Map(); // grows forever in leak mode
let count = 0;

function work(url) {
  const rec = new RequestRecord(++count, url);
  if (mode === 'leak') requestCache.set(rec.n, rec);
  return rec.body.length;
}
globalThis.handle = (n = 1) => { let s = 0; for (let i = 0; i < n; i++) s += work('/step'); return s; };
globalThis.handleAsync = (n = 1) => new Promise((r) => setImmediate(() => r(globalThis.handle(n))));

const server = http.createServer((req, res) => {
  const len = work(req.url);
  res.end(JSON.stringify({ ok: true, len }));
});
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  console.log('ready ' + server.address().port);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
