'use strict';
// Cleanup on a response's 'finish' only: each download registers its
// request in a table and takes it out when the response finishes. A client
// that goes away mid-download gets 'close' and never 'finish', so its entry
// stays. Uploads take theirs out on 'close' and are right.
const http = require('http');
const { series } = require('./lib');

const active = new Map();
const uploads = new Map();
let next = 0;

function track(req) {
  const id = next++;
  active.set(id, { id, url: req.url, headers: { ...req.headers }, started: Date.now(), note: 'x'.repeat(200) });
  return () => active.delete(id);
}

const server = http.createServer((req, res) => {
  if (req.url.startsWith('/upload')) {
    const id = next++;
    uploads.set(id, { id, url: req.url });
    res.once('close', () => uploads.delete(id));
    res.end('ok');
    return;
  }
  const stop = track(req);
  res.once('finish', stop);
  res.write('a'.repeat(1024));
  setTimeout(() => res.end('b'), 20);
});

function get(path, abort) {
  return new Promise((resolve) => {
    const req = http.get({ port: server.address().port, path, agent: false }, (res) => {
      res.once('data', () => { if (abort) req.destroy(); });
      res.on('end', resolve);
      res.on('close', resolve);
      res.resume();
    });
    req.on('error', resolve);
  });
}

server.listen(0, '127.0.0.1', () => {
  series(async () => {
    const work = [];
    for (let i = 0; i < 60; i++) {
      work.push(get('/download?i=' + i, i % 3 === 0));
      work.push(get('/upload?i=' + i, false));
    }
    await Promise.all(work);
    await new Promise((r) => setTimeout(r, 60));
  }).then(() => server.close());
});
