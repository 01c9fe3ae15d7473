// A small JSON HTTP service for the watch overhead benchmark: each request
// builds and serialises a few dozen objects, like a typical API handler.
'use strict';
const http = require('http');
let n = 0;
const server = http.createServer((req, res) => {
  const items = [];
  for (let i = 0; i < 40; i++) items.push({ id: n + i, name: 'item-' + i, price: i * 1.5, tags: ['a', 'b'] });
  n++;
  const body = JSON.stringify({ n, items });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => console.log('ready ' + server.address().port));
