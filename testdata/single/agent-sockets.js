'use strict';
// A client whose responses nobody reads: it checks the status and returns,
// so each response keeps its socket in the Agent's `sockets` list, in
// flight for good (the server here also holds some requests open). One
// snapshot of 300 sockets to one origin.
const http = require('http');
const { once } = require('./lib');

const held = [];
const server = http.createServer((req, res) => {
  if (req.url.startsWith('/slow')) {
    held.push(res); // answered later, or never
    return;
  }
  res.end('x'.repeat(64 * 1024));
});

const agent = new http.Agent({ keepAlive: true });

function check(path) {
  return new Promise((resolve) => {
    http.get({ host: '127.0.0.1', port: server.address().port, path, agent }, (res) => {
      resolve(res.statusCode); // the body is never read
    });
  });
}

once(async () => {
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const calls = [];
  for (let i = 0; i < 300; i++) calls.push(check(i % 3 ? '/status?i=' + i : '/slow?i=' + i));
  await Promise.all(calls.filter((_, i) => i % 3));
  while (held.length < 100) await new Promise((r) => setTimeout(r, 10));
  globalThis.agent = agent;
});
