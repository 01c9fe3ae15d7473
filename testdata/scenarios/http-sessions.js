'use strict';
// A plain http.Server that keeps a Session per request in a module-level
// Map and never evicts it, driven by real requests on loopback. Every node
// 20 http.Server also holds a connection-checking interval whose path runs
// through the server, so the Map (next to the leaked Session), not that
// timer, is what the report must name.
const http = require('http');
const { series } = require('./lib');

const sessions = new Map();
let next = 0;

class Session {
  constructor(id, req) {
    this.id = id;
    this.userAgent = req.headers['user-agent'] || 'none';
    this.cart = Array.from({ length: 10 }, (_, i) => ({ sku: 'SKU' + i, qty: i }));
    this.scratch = 'x'.repeat(1000) + id;
  }
}

const server = http.createServer((req, res) => {
  const id = 'sess-' + next++;
  sessions.set(id, new Session(id, req));
  res.end('ok');
});

const agent = new http.Agent({ keepAlive: false });
function get(port) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      res.resume();
      res.on('end', resolve);
    }).on('error', reject);
  });
}

server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  series(async () => {
    for (let i = 0; i < 150; i++) await get(port);
  }, { done: () => server.close() });
});
