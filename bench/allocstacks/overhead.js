// The cost of V8's allocation tracking (leakhound --allocation-stacks) on
// a program: a fixed allocation-heavy workload and an HTTP request loop,
// timed with tracking off and on, alternating, in one process. Tracking is
// turned on the way leakhound does (HeapProfiler.startTrackingHeapObjects
// with trackAllocations), from an inspector session held by a worker
// thread, so that the inspector's messages are read off the main thread as
// they are when leakhound holds the session from outside.
//
//   node bench/allocstacks/overhead.js [rounds]
'use strict';
const http = require('node:http');
const { Worker, isMainThread, parentPort } = require('node:worker_threads');

if (!isMainThread) {
  const inspector = require('node:inspector');
  const session = new inspector.Session();
  session.connectToMainThread();
  parentPort.on('message', ({ id, method, params }) => {
    session.post(method, params || {}, (err) => parentPort.postMessage({ id, err: err && String(err) }));
  });
  return;
}
const worker = new Worker(__filename);
let seq = 0;
const waiting = new Map();
worker.on('message', ({ id, err }) => { const w = waiting.get(id); waiting.delete(id); err ? w.rej(new Error(err)) : w.res(); });
const post = (method, params) => new Promise((res, rej) => { const id = ++seq; waiting.set(id, { res, rej }); worker.postMessage({ id, method, params }); });

// A request handler's allocations: objects, strings, arrays, JSON, a Map.
const cache = new Map();
function work(i) {
  const req = { id: i, path: '/items/' + (i % 100), headers: { a: 'x' + i, b: [i, i + 1] } };
  const body = JSON.stringify({ items: Array.from({ length: 20 }, (_, k) => ({ k, v: 'v' + k })) });
  const parsed = JSON.parse(body);
  cache.set(i % 1000, { req, n: parsed.items.length });
  return parsed.items.map((x) => x.v).join(',').length;
}
function cpu(n) {
  const t0 = process.hrtime.bigint();
  let s = 0;
  for (let i = 0; i < n; i++) s += work(i);
  return [Number(process.hrtime.bigint() - t0) / 1e6, s];
}

const server = http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ ok: true, n: work(Number(req.url.slice(1)) || 0) }));
});
function get(port, i, agent) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/' + i, agent }, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject);
  });
}
async function requests(port, n) {
  // A fresh agent each time: a keep-alive socket left idle through the
  // other workload could be closed by the server under us.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const t0 = process.hrtime.bigint();
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => { while (next < n) await get(port, next++, agent); }));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  agent.destroy();
  return ms;
}

(async () => {
  const rounds = Number(process.argv[2] || 5);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  cpu(20000); await requests(port, 2000); // warm-up
  const res = { off: { cpu: [], http: [] }, on: { cpu: [], http: [] } };
  for (let r = 0; r < rounds; r++) {
    for (const mode of r % 2 ? ['on', 'off'] : ['off', 'on']) {
      if (mode === 'on') await post('HeapProfiler.startTrackingHeapObjects', { trackAllocations: true });
      res[mode].cpu.push(cpu(50000)[0]);
      res[mode].http.push(await requests(port, 3000));
      if (mode === 'on') await post('HeapProfiler.disable');
    }
  }
  const med = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];
  const cpuOff = med(res.off.cpu), cpuOn = med(res.on.cpu), hOff = med(res.off.http), hOn = med(res.on.http);
  console.log(`node ${process.version}, ${rounds} alternating rounds, medians`);
  console.log(`allocation workload (50,000 iterations): ${cpuOff.toFixed(0)} ms off, ${cpuOn.toFixed(0)} ms on: ${(cpuOn / cpuOff).toFixed(2)}x time`);
  console.log(`HTTP loop (3,000 requests, 8 at a time): ${(3000 / hOff * 1000).toFixed(0)} req/s off, ${(3000 / hOn * 1000).toFixed(0)} req/s on: ${((1 - hOff / hOn) * 100).toFixed(0)}% fewer`);
  server.close(); worker.terminate();
})();
