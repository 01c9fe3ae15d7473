'use strict';
// No leak (control corpus): node's own pool of HTTP parsers fills with
// load. Each round more requests run at once, and node keeps the parsers
// they freed in its FreeList (up to 1000) for the next ones: node's own
// state, bounded by node, with no line of the program on its path.
const http = require('http');
const { series } = require('./lib');

const server = http.createServer((req, res) => res.end('ok'));
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });

function get(port) {
  return new Promise((resolve, reject) => {
    http.get({ port, host: '127.0.0.1', path: '/', agent }, (res) => {
      res.resume();
      res.on('end', resolve);
    }).on('error', reject);
  });
}

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  let round = 0;
  series(async () => {
    round++;
    const n = 20 * Math.max(1, round + 2);
    await Promise.all(Array.from({ length: n }, () => get(port)));
    await new Promise((r) => setTimeout(r, 20));
  }, { done: () => server.close() });
});
