'use strict';
// Leak: a server-sent events feed keeps each client's response in a Set
// and takes it out only when the response finishes, which a stream never
// does; clients that disconnect stay in the Set with their closed
// sockets. Every round 60 clients connect and the ones before leave.
const http = require('http');
const { series } = require('./lib');

const feeds = new Map(); // feed name -> Set of { res, at }

function follow(name, res) {
  let readers = feeds.get(name);
  if (!readers) feeds.set(name, (readers = new Set()));
  const r = { res, at: Date.now() };
  readers.add(r);
  res.on('finish', () => readers.delete(r));
}

const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write(': hi\n\n');
  follow(req.url.slice(1) || 'all', res);
});

const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });

function reader(port, name) {
  return new Promise((resolve, reject) => {
    const req = http.get({ port, host: '127.0.0.1', path: '/' + name, agent }, (res) => {
      res.once('data', () => resolve(req));
    });
    req.on('error', reject);
  });
}

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  let current = [];
  series(async () => {
    for (const r of current) r.destroy();
    await new Promise((r) => setTimeout(r, 100));
    current = await Promise.all(Array.from({ length: 60 }, (_, i) => reader(port, 'feed' + (i % 3))));
  }, { done: () => { for (const r of current) r.destroy(); server.close(); } });
});
