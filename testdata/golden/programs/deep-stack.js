'use strict';
// Suspended execution state, snapshot written from inside a deep call stack.
// Generators and async generators suspended mid-way (with live locals and
// try/finally), async functions suspended at await on never-settling promises,
// pending promise chains, Promise.all/race/any combinators, thenables, closures
// sharing one context (and nested contexts), AbortController/AbortSignal
// (incl. AbortSignal.timeout and .any), EventTarget/EventEmitter listeners,
// Readable/Transform/Writable streams paused with buffered data, a pipeline
// blocked on backpressure, timers/intervals/immediates pending, queued
// microtasks. The snapshot is taken at depth ~3000 of mixed recursion
// (plain functions, a method, a generator body that is *running*, a callback
// of Array#forEach, a getter, a constructor), each frame holding its own
// locals. Written with { exposeInternals: true }. No global.gc().
const v8 = require('v8');
const { Readable, Writable, Transform, PassThrough, pipeline } = require('stream');
const { EventEmitter } = require('events');

const OUT = process.argv[2];
if (!OUT) { console.error('usage: deep-stack.js OUT.heapsnapshot'); process.exit(2); }

const S = {};
const never = new Promise(() => {}); // never settles
S.never = never;

// ---- generators suspended mid-way
function* counter(limit) {
  const local = { inGenerator: true, arr: [1, 2, 3] };
  try {
    for (let i = 0; i < limit; i++) { const x = yield { i, local }; if (x) local.last = x; }
  } finally { local.done = true; }
}
S.gens = Array.from({ length: 50 }, (_, i) => { const g = counter(10 + i); g.next(); g.next('sent'); return g; });
S.delegating = (function* () { yield* counter(5); })(); S.delegating.next();
S.freshGen = counter(3); // never started
S.finishedGen = counter(0); S.finishedGen.next();

async function* asyncTicker(tag) {
  const buf = [];
  for (let i = 0; ; i++) { buf.push(`${tag}:${i}`); if (i === 2) await never; yield buf.length; }
}
S.asyncGens = Array.from({ length: 20 }, (_, i) => asyncTicker(`t${i}`));
S.asyncGenPending = S.asyncGens.map((g) => g.next().then(() => g.next()).then(() => g.next()).then(() => g.next())); // last next() parks on `never`
S.queuedNexts = S.asyncGens.slice(0, 5).map((g) => [g.next(), g.next()]); // queued requests behind the parked one

// ---- async functions suspended at await
async function waitsForever(id) {
  const frameLocal = { id, big: new Array(100).fill(id) };
  await null;
  const v = await never;
  return [frameLocal, v];
}
S.waiting = Array.from({ length: 100 }, (_, i) => waitsForever(i));
async function waitsOnChain(depth) { return depth === 0 ? never : waitsOnChain(depth - 1); }
S.chainOfAwaits = waitsOnChain(200);
let resolveLater;
S.resolvable = new Promise((r) => { resolveLater = r; });
S.longThenChain = Array.from({ length: 500 }).reduce((p, _, i) => p.then((v) => v + i), S.resolvable);
S.combinators = [Promise.all([never, S.resolvable]), Promise.race([never]), Promise.any([never, Promise.reject(new Error('rejected in any'))]), Promise.allSettled([S.resolvable])];
S.thenable = { then(res) { S.thenableResolve = res; } };
S.adoptsThenable = Promise.resolve(S.thenable);
S.rejectedHandled = Promise.reject(new Error('handled rejection')); S.rejectedHandled.catch(() => {});
S.withResolvers = typeof Promise.withResolvers === 'function' ? Promise.withResolvers() : null;

// ---- closures sharing a context, nested contexts
function makeCounter() {
  let count = 0; const shared = { history: [] }; const unusedByClosures = new Array(50).fill('ctx');
  return {
    inc: () => { count++; shared.history.push(count); },
    dec: () => { count--; },
    read: () => count,
    nested() { let inner = count * 2; return () => () => inner + count + shared.history.length; },
    evalScope() { return eval('count'); }, // eslint-disable-line no-eval
    keepsUnused: () => unusedByClosures.length,
  };
}
S.counters = Array.from({ length: 300 }, () => makeCounter());
S.counters.forEach((c, i) => { for (let k = 0; k < i % 5; k++) c.inc(); });
S.nestedClosures = S.counters.slice(0, 50).map((c) => c.nested()());
{ let blockScoped = { block: true }; S.blockClosure = () => blockScoped; }
S.loopClosures = []; for (let i = 0; i < 100; i++) S.loopClosures.push(() => i);
S.withScope = new Function('obj', 'with (obj) { return function () { return x; }; }')({ x: 'with-scope' });

// ---- abort, events
S.controllers = Array.from({ length: 20 }, (_, i) => { const ac = new AbortController(); ac.signal.addEventListener('abort', () => { S.aborted = i; }); return ac; });
S.controllers[0].abort(new Error('aborted on purpose'));
S.timeoutSignal = AbortSignal.timeout(1e6);
S.anySignal = typeof AbortSignal.any === 'function' ? AbortSignal.any([S.controllers[1].signal, S.timeoutSignal]) : null;
S.target = new EventTarget();
for (let i = 0; i < 50; i++) S.target.addEventListener(`evt${i % 5}`, { handleEvent(e) { this.seen = e.type; } }, { once: i % 2 === 0 });
S.target.dispatchEvent(new Event('evt1'));
S.emitter = new EventEmitter();
S.emitter.setMaxListeners(100);
for (let i = 0; i < 30; i++) S.emitter.on('data', () => i);
S.emitter.once('end', function onEnd() {});
S.customEvent = new CustomEvent('c', { detail: { payload: [1, 2, 3] } });

// ---- streams paused mid-way
S.readable = new Readable({ read() {}, highWaterMark: 1024 });
for (let i = 0; i < 100; i++) S.readable.push(`chunk ${i} ${'r'.repeat(50)}\n`);
S.readable.pause();
S.objectReadable = Readable.from((function* () { let i = 0; while (true) yield { obj: i++ }; })(), { objectMode: true, highWaterMark: 4 });
S.objectReadable.once('data', () => S.objectReadable.pause());
S.writable = new Writable({ highWaterMark: 64, write(chunk, enc, cb) { S.pendingWriteCb = cb; } }); // never calls back: backpressure
for (let i = 0; i < 20; i++) S.writable.write(`w${i} `);
S.transform = new Transform({ transform(chunk, enc, cb) { cb(null, chunk.toString().toUpperCase()); } });
S.sink = new PassThrough({ highWaterMark: 16 }); // nobody reads the sink
S.pipeline = pipeline(Readable.from(Array.from({ length: 1000 }, (_, i) => `line ${i}\n`)), S.transform, S.sink, () => {});

// ---- timers
S.timers = [setTimeout(() => {}, 1e6), setTimeout(() => {}, 2e6).unref(), setInterval(() => {}, 5e5), setImmediate(() => {})];
queueMicrotask(() => { S.microtaskRan = true; });
process.nextTick(() => { S.tickRan = true; });

// ---- the deep stack
let snapshotTaken = false;
function takeSnapshot(frameInfo) {
  const atSnapshot = { frameInfo, stackDepth: new Error().stack.split('\n').length };
  v8.writeHeapSnapshot(OUT, { exposeInternals: true }); // internal fields/edges of promises, generators, contexts
  snapshotTaken = true;
  return atSnapshot;
}
class Frame { constructor(n, next) { this.n = n; this.result = next(n); } }
const viaGetter = { get deeper() { return recurseA(this.n - 1); }, n: 0 };
function* runningGenerator(n) { const genLocal = { running: n }; yield recurseA(n - 1, genLocal); }
function recurseA(n, carry) {
  const localA = { a: n, carry };
  if (n <= 0) return takeSnapshot(localA);
  switch (n % 5) {
    case 0: return recurseB(n - 1, localA);
    case 1: return new Frame(n, (m) => recurseB(m - 1, localA)).result;
    case 2: { let r; [n].forEach((m) => { r = recurseB(m - 1, localA); }); return r; }
    case 3: return Object.assign(Object.create(viaGetter), { n }).deeper;
    default: return runningGenerator(n).next().value;
  }
}
function recurseB(n, carry) {
  const localB = [n, carry, `frame ${n}`];
  return recurseA(n - 1, localB);
}

async function main() {
  await null;
  S.results = await Promise.all([S.resolvable.then ? 'pending elsewhere' : null, Promise.resolve('settled')]);
  await new Promise((r) => setTimeout(r, 20)); // let streams fill their buffers
  const info = recurseA(3000, { root: true });
  if (!snapshotTaken) throw new Error('snapshot not taken');
  console.log(`async_deepstack: snapshot at stack depth ~${info.stackDepth}, ${S.waiting.length} awaits pending, readable buffered ${S.readable.readableLength}`);
  process.exit(0); // timers, streams and promises are still pending
}
Error.stackTraceLimit = Infinity;
S.mainPromise = main().catch((e) => { console.error(e); process.exit(1); });
globalThis.__suspended = S;
