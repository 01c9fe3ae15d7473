'use strict';
// No leak (control corpus): slow uploads in flight. The server gathers
// each request's body in memory until it ends; every round, 40 clients
// send most of a body and pause, so at each snapshot 40 requests are
// still being received. The round after, they finish and are answered:
// as many in flight each time, none kept.
const http = require('http');
const { series } = require('./lib');

// Upload is one body being received, kept in memory until it ends.
class Upload {
  constructor(type) {
    this.type = type;
    this.parts = [];
    this.size = 0;
  }

  add(chunk) {
    this.parts.push(Buffer.from(chunk));
    this.size += chunk.length;
    if (!this.counted && this.size >= SENT) {
      this.counted = true;
      received++;
    }
  }

  end() {
    if (this.counted) received--;
  }
}

// SENT is what each client sends before it pauses; received counts the
// uploads that have all of it, so a round waits for every one.
const SENT = 12 * 8192;
let received = 0;

const server = http.createServer((req, res) => {
  const upload = new Upload(req.headers['content-type']);
  req.on('data', (chunk) => upload.add(chunk));
  req.on('end', () => {
    upload.end();
    res.end(String(upload.size));
  });
});

const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const piece = Buffer.alloc(8192, 'u');

// upload starts a request, writes most of its body, and resolves once the
// server has had time to read it; finish ends it and waits for the answer.
function upload(port) {
  return new Promise((resolve, reject) => {
    const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/upload', agent,
      headers: { 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' } });
    req.on('error', reject);
    for (let i = 0; i < 12; i++) req.write(piece);
    const done = new Promise((ok) => req.on('response', (res) => { res.resume(); res.on('end', ok); }));
    setTimeout(() => resolve({ finish: () => { req.end(piece); return done; } }), 50);
  });
}

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  let open = [];
  series(async () => {
    await Promise.all(open.map((u) => u.finish()));
    open = await Promise.all(Array.from({ length: 40 }, () => upload(port)));
    // Every body's first part arrived (a loaded machine may take long).
    for (let waited = 0; received < open.length && waited < 10000; waited += 10) {
      await new Promise((r) => setTimeout(r, 10));
    }
  }, { done: () => { Promise.all(open.map((u) => u.finish())).then(() => server.close()); } });
});
