'use strict';
// Main-thread snapshot taken while two worker_threads are alive (one eval'd,
// one from this file with resourceLimits and workerData), sharing a
// SharedArrayBuffer and MessagePorts (one port with undelivered queued
// messages), a BroadcastChannel, plus vm: several contexts (one with
// microtaskMode 'afterEvaluate'), vm.Script with produced/consumed code cache,
// vm.compileFunction with context extensions, objects created inside contexts
// and held from the main context and vice versa, a context's own Proxy/Map/
// closures, runInNewContext results. Also AsyncLocalStorage stores,
// diagnostics_channel subscribers, perf_hooks histograms and marks.
// Calls global.gc() first.
const { Worker, isMainThread, parentPort, workerData, MessageChannel, BroadcastChannel } = require('worker_threads');

if (!isMainThread) {
  // ---- file-based worker: holds some heap of its own and waits for messages
  const heap = Array.from({ length: 5000 }, (_, i) => ({ workerObj: i, s: `w${i}` }));
  const ints = new Int32Array(workerData.sab);
  const bc = new BroadcastChannel('parity-bc');
  bc.onmessage = (e) => { heap.push(e.data); };
  parentPort.on('message', (m) => {
    if (m === 'stop') { bc.close(); parentPort.close(); return; }
    heap.push(m);
  });
  Atomics.add(ints, 1, 1);
  parentPort.postMessage({ ready: 'file-worker', threadId: require('worker_threads').threadId, size: heap.length });
  return;
}

const v8 = require('v8');
const vm = require('vm');
const { AsyncLocalStorage } = require('async_hooks');
const diagnostics = require('diagnostics_channel');
const { performance, createHistogram, monitorEventLoopDelay } = require('perf_hooks');

const OUT = process.argv[2];
if (!OUT) { console.error('usage: workers-vm.js OUT.heapsnapshot'); process.exit(2); }

async function main() {
  const W = {};
  const sab = new SharedArrayBuffer(64);
  const ints = new Int32Array(sab);
  W.sab = sab;

  // ---- workers
  const evalCode = `
    const { parentPort, workerData } = require('worker_threads');
    const ints = new Int32Array(workerData.sab);
    const kept = new Map();
    workerData.port.on('message', (m) => kept.set(kept.size, m));
    parentPort.on('message', (m) => { if (m === 'stop') { workerData.port.close(); parentPort.close(); } });
    Atomics.add(ints, 0, 1);
    parentPort.postMessage({ ready: 'eval-worker' });
  `;
  const chan = new MessageChannel();
  const evalWorker = new Worker(evalCode, { eval: true, workerData: { sab, port: chan.port2, note: 'workerData clone' }, transferList: [chan.port2], name: 'eval worker ✓' });
  const fileWorker = new Worker(__filename, { workerData: { sab, config: { deep: { n: 1 } } }, resourceLimits: { maxOldGenerationSizeMb: 64, stackSizeMb: 4 }, stdout: false, name: 'file worker' });
  const ready = [];
  await Promise.all([evalWorker, fileWorker].map((w) => new Promise((res, rej) => { w.once('message', (m) => { ready.push(m); res(); }); w.once('error', rej); })));
  for (let i = 0; i < 10; i++) chan.port1.postMessage({ toEvalWorker: i, payload: new Float64Array(8) });
  fileWorker.postMessage({ big: 'x'.repeat(10000) });
  W.workers = { evalWorker, fileWorker, chan, ready };

  // a MessageChannel whose receiving port is never started: messages stay queued
  const stuck = new MessageChannel();
  for (let i = 0; i < 50; i++) stuck.port1.postMessage({ queued: i, data: Array.from({ length: 10 }, (_, k) => k) });
  W.stuck = stuck;
  W.bc = new BroadcastChannel('parity-bc');
  W.bc.postMessage({ broadcast: true });

  // ---- vm contexts
  const sandbox = { console: { log: () => {} }, shared: { fromMain: true }, results: [] };
  const ctxA = vm.createContext(sandbox, { name: 'context A', origin: 'https://vm-a.invalid' });
  const scriptSrc = `
    class InContext { constructor(n) { this.n = n; this.arr = [n, n * 2]; } get double() { return this.n * 2; } }
    var made = Array.from({ length: 2000 }, (_, i) => new InContext(i));
    var ctxMap = new Map(made.slice(0, 100).map((o) => [o.n, o]));
    var ctxProxy = new Proxy({ target: true }, { get: (t, k) => k });
    function counterFactory() { let c = 0; return () => ++c; }
    var ctxCounter = counterFactory(); ctxCounter();
    results.push(made[5], shared);
    var ctxError = new Error('error made inside context A');
    globalThis.ctxGlobalRef = globalThis;
    made.length;
  `;
  const script = new vm.Script(scriptSrc, { filename: 'vm://context-a/script.js', produceCachedData: true });
  const cached = script.createCachedData();
  script.runInContext(ctxA);
  const script2 = new vm.Script(scriptSrc, { filename: 'vm://context-a/script-cached.js', cachedData: cached });
  const ctxB = vm.createContext({ name: 'B', results: [], shared: { fromMainToB: true } }, { microtaskMode: 'afterEvaluate', name: 'context B (afterEvaluate)' });
  script2.runInContext(ctxB);
  vm.runInContext('var pending = Promise.resolve(1).then((v) => { globalThis.settled = v; }); var neverP = new Promise(() => {});', ctxB);
  const ctxC = vm.createContext(Object.create(null), { codeGeneration: { strings: false, wasm: false } });
  vm.runInContext('var frozen = Object.freeze({ c: [1, 2, 3] }); var sym = Symbol.for("ctxC")', ctxC);
  const fn = vm.compileFunction('return a + b + extA.x', ['a', 'b'], { parsingContext: ctxA, contextExtensions: [{ extA: { x: 1 } }], params: ['a', 'b'] });
  W.vm = {
    ctxA, ctxB, ctxC, script, script2, cached, rejected: script2.cachedDataRejected, fn, fnResult: fn(1, 2),
    fromA: vm.runInContext('made.slice(0, 50)', ctxA),
    newCtxResult: vm.runInNewContext('({ newContextObject: [1, 2, 3], fn() { return this; } })', { seed: 1 }),
    crossContextCycle: null,
  };
  const mainObj = { mainSide: true };
  ctxA.mainObj = mainObj;
  mainObj.ctxSide = vm.runInContext('made[0]', ctxA);
  W.vm.crossContextCycle = mainObj;

  // ---- async context, diagnostics, perf
  const als = new AsyncLocalStorage();
  W.als = als;
  W.alsPending = als.run({ requestId: 'req-1', user: { id: 7 } }, () => new Promise((r) => { W.alsResolve = r; }));
  W.alsTimer = als.run({ requestId: 'req-timer' }, () => setTimeout(() => {}, 1e6));
  const channel = diagnostics.channel('parity:channel');
  W.dcSubscriber = (msg) => { W.lastDc = msg; };
  channel.subscribe(W.dcSubscriber);
  channel.publish({ published: 1 });
  W.channel = channel;
  W.histogram = createHistogram();
  for (let i = 1; i < 1000; i++) W.histogram.record(i);
  W.eld = monitorEventLoopDelay({ resolution: 20 });
  W.eld.enable();
  performance.mark('start', { detail: { from: 'workers_vm' } });
  performance.mark('end');
  W.measure = performance.measure('span', 'start', 'end');

  globalThis.__workers = W;
  if (Atomics.load(ints, 0) !== 1 || Atomics.load(ints, 1) !== 1) throw new Error('workers did not start');
  await new Promise((r) => setTimeout(r, 20));
  global.gc();
  v8.writeHeapSnapshot(OUT);

  // ---- cleanup
  W.eld.disable();
  clearTimeout(W.alsTimer);
  channel.unsubscribe(W.dcSubscriber);
  W.bc.close(); stuck.port1.close(); chan.port1.close();
  const exits = [evalWorker, fileWorker].map((w) => new Promise((r) => w.once('exit', r)));
  evalWorker.postMessage('stop'); fileWorker.postMessage('stop');
  const timeout = setTimeout(() => { evalWorker.terminate(); fileWorker.terminate(); }, 3000);
  const codes = await Promise.all(exits);
  clearTimeout(timeout);
  console.log(`workers_vm: workers ready ${ready.map((m) => m.ready).join(',')}, exit codes ${codes.join(',')}, cachedDataRejected=${W.vm.rejected}`);
}
main().catch((e) => { console.error(e); process.exit(1); });
