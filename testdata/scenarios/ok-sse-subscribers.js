'use strict';
// No leak (control corpus): a server-sent events hub. Each board client
// holds a stream open; the hub keeps its response in a Set per board and
// takes it out when the connection closes. Every round the clients of
// the round before leave and as many new ones connect, so each snapshot
// holds the same number of open streams: as many as are connected.
const http = require('http');
const { series } = require('./lib');

const boards = new Map(); // board name -> Set of { res, since }

function attach(name, res) {
  let watchers = boards.get(name);
  if (!watchers) boards.set(name, (watchers = new Set()));
  // The last events sent, for a client that reconnects with Last-Event-ID.
  const w = { res, since: Date.now(), sent: Array.from({ length: 8 }, (_, i) => JSON.stringify({ id: i, at: Math.random(), text: 'e'.repeat(400) })) };
  watchers.add(w);
  res.on('close', () => watchers.delete(w));
}

function publish(name, data) {
  const watchers = boards.get(name);
  if (watchers) for (const w of watchers) w.res.write('data: ' + data + '\n\n');
}

const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write(': hello\n\n');
  attach(req.url.slice(1) || 'main', res);
});

const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });

// watch opens a stream and resolves once its first event arrived.
function watch(port, name) {
  return new Promise((resolve, reject) => {
    const req = http.get({ port, host: '127.0.0.1', path: '/' + name, agent }, (res) => {
      res.once('data', () => resolve(req));
    });
    req.on('error', reject);
  });
}

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  let open = [];
  series(async () => {
    for (const r of open) r.destroy();
    // Wait until the server saw every one of them go.
    for (let waited = 0; waited < 10000; waited += 10) {
      let n = 0;
      for (const s of boards.values()) n += s.size;
      if (n === 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    open = await Promise.all(Array.from({ length: 120 }, (_, i) => watch(port, 'board' + (i % 2))));
    publish('board1', 'x'.repeat(100));
  }, { done: () => { for (const r of open) r.destroy(); server.close(); } });
});
