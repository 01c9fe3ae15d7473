'use strict';
// Binary data and WebAssembly: typed arrays of every kind (on-heap tiny ones and
// off-heap ones, Float16Array where present), views at offsets, length-tracking
// views over resizable ArrayBuffers (one left out-of-bounds after a shrink),
// growable SharedArrayBuffer, DataViews, detached ArrayBuffers (transfer(),
// structuredClone transfer, MessagePort transfer), Buffer pool slices, Blob,
// Atomics.waitAsync left pending, structuredClone results of cyclic graphs.
// WebAssembly: a module hand-assembled from bytes (imports, funcref table,
// memory with a data segment, mutable globals, call_indirect), several
// instances, a tier-up loop, JS-created Memory (incl. shared), Table (funcref and
// externref holding JS objects) and Global (i32/i64/f64/externref) objects.
// Calls global.gc() first.
const v8 = require('v8');
const { MessageChannel } = require('worker_threads');

const OUT = process.argv[2];
if (!OUT) { console.error('usage: binary.js OUT.heapsnapshot'); process.exit(2); }

const B = {};

// ---------------- typed arrays
const kinds = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array];
if (typeof Float16Array === 'function') kinds.push(Float16Array);
B.onHeapTiny = kinds.map((K) => new K(4)); // small enough for on-heap backing stores
B.offHeap = kinds.map((K, i) => { const a = new K(10000 + i); for (let k = 0; k < 100; k++) a[k] = K.name.startsWith('Big') ? BigInt(k) : k * 1.5; return a; });
const shared = new ArrayBuffer(1 << 16);
B.viewsOfOne = kinds.map((K) => new K(shared, 8 * 16, 8)); // many views of one buffer, at an offset
B.fromIterables = [Uint8Array.from('hello', (c) => c.charCodeAt(0)), Float64Array.of(Math.E, Math.PI), new Int32Array([1, 2, 3]).subarray(1)];
B.dataViews = [new DataView(shared), new DataView(shared, 100, 20), new DataView(new ArrayBuffer(0))];
B.dataViews[0].setFloat64(0, Math.PI); B.dataViews[0].setBigInt64(8, -1n);

// resizable and growable
if (typeof ArrayBuffer.prototype.resize === 'function') {
  const rab = new ArrayBuffer(1024, { maxByteLength: 1 << 20 });
  B.rab = rab;
  B.lengthTracking = new Uint16Array(rab);
  B.fixedOnRab = new Float32Array(rab, 512, 64);
  B.rabDataView = new DataView(rab);
  rab.resize(256); // fixedOnRab is now out of bounds
  rab.resize(4096);
}
if (typeof SharedArrayBuffer === 'function') {
  const sab = new SharedArrayBuffer(1024, typeof SharedArrayBuffer.prototype.grow === 'function' ? { maxByteLength: 65536 } : undefined);
  if (sab.growable) sab.grow(2048);
  B.sab = sab;
  B.sabInts = new Int32Array(sab);
  B.sabDataView = new DataView(sab);
  Atomics.store(B.sabInts, 0, 7);
  if (typeof Atomics.waitAsync === 'function') {
    const w = Atomics.waitAsync(B.sabInts, 1, 0, 1e9); // pending async wait
    B.waitAsync = w;
  }
}

// detached buffers
const toDetach1 = new ArrayBuffer(4096);
B.detachedView = new Uint8Array(toDetach1);
if (typeof toDetach1.transfer === 'function') { B.transferred = toDetach1.transfer(8192); } else { structuredClone(toDetach1, { transfer: [toDetach1] }); }
B.detached1 = toDetach1;
const toDetach2 = new ArrayBuffer(2048);
B.clonedTransfer = structuredClone({ buf: toDetach2, note: 'moved' }, { transfer: [toDetach2] });
B.detached2 = toDetach2;
const { port1, port2 } = new MessageChannel();
const toDetach3 = new Float64Array(512);
port1.postMessage({ payload: toDetach3 }, [toDetach3.buffer]);
B.detached3 = toDetach3; B.ports = [port1, port2];

// Buffers
B.pooled = Array.from({ length: 200 }, (_, i) => Buffer.from(`pooled buffer ${i}`)); // slices of the 8 KiB pool
B.unsafeSlow = Buffer.allocUnsafeSlow(100000).fill(0xab);
B.bufferViews = [Buffer.from(shared, 10, 20), Buffer.concat([Buffer.from('a'), Buffer.alloc(10000)])];
B.blob = new Blob(['blob text ', new Uint8Array([1, 2, 3]), 'end'], { type: 'application/octet-stream' });
B.textEncoded = new TextEncoder().encode('encoded ✓ 😀');
B.encoderDecoder = [new TextEncoder(), new TextDecoder('utf-16le'), new TextDecoder('windows-1252', { fatal: false })];

// structuredClone of a cyclic, typed graph
const graph = { name: 'root', when: new Date(0), re: /x+/gi, map: new Map([[1, { m: 1 }]]), set: new Set(['s']), big: 123n, typed: new Int16Array([1, -1]), err: new RangeError('cloned error'), nested: [] };
graph.self = graph; graph.nested.push(graph.map, { back: graph });
B.clones = Array.from({ length: 50 }, () => structuredClone(graph));
B.v8Serialized = v8.serialize(graph);
B.v8Deserialized = v8.deserialize(B.v8Serialized);

// ---------------- WebAssembly, assembled by hand
const leb = (n) => { const out = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n); return out; };
const str = (s) => { const b = [...Buffer.from(s, 'utf8')]; return [...leb(b.length), ...b]; };
const vec = (items) => [...leb(items.length), ...items.flat()];
const section = (id, body) => [id, ...leb(body.length), ...body];
const I32 = 0x7f, I64 = 0x7e, F64 = 0x7c;
const types = vec([
  [0x60, ...vec([I32, I32]), ...vec([I32])], // 0: (i32,i32)->i32
  [0x60, ...vec([]), ...vec([I32])], // 1: ()->i32
  [0x60, ...vec([I32]), ...vec([])], // 2: (i32)->()
  [0x60, ...vec([I32]), ...vec([I32])], // 3: (i32)->i32
]);
const imports = vec([[...str('env'), ...str('log'), 0x00, 2], [...str('env'), ...str('base'), 0x03, I32, 0x00]]);
const funcs = vec([[0], [1], [2], [3], [3], [0]]); // defined functions 2..7 (0 = log, 1 is... see below)
// function index space: 0 = import log; 1 add; 2 getG; 3 store; 4 callIndirect; 5 sumTo; 6 mul
const table = vec([[0x70, 0x00, 4]]);
const memory = vec([[0x01, 1, 4]]);
const f64bytes = [...new Uint8Array(new Float64Array([Math.SQRT2]).buffer)];
const globals = vec([
  [I32, 0x01, 0x41, ...leb(42), 0x0b], // global 1 (0 is the imported base): mutable i32 = 42
  [I64, 0x00, 0x42, 0x80, 0x80, 0x80, 0x80, 0x10, 0x0b], // i64 const
  [F64, 0x01, 0x44, ...f64bytes, 0x0b], // mutable f64
]);
const exportsSec = vec([
  [...str('add'), 0x00, 1], [...str('getG'), 0x00, 2], [...str('store'), 0x00, 3], [...str('callIndirect'), 0x00, 4], [...str('sumTo'), 0x00, 5], [...str('mul'), 0x00, 6],
  [...str('memory'), 0x02, 0], [...str('table'), 0x01, 0], [...str('g'), 0x03, 1], [...str('gf'), 0x03, 3], [...str('ünïcødé export'), 0x00, 1],
]);
const elems = vec([[0x00, 0x41, 0, 0x0b, ...vec([[1], [6]])]]);
const body = (locals, code) => { const b = [...vec(locals), ...code, 0x0b]; return [...leb(b.length), ...b]; };
const code = vec([
  body([], [0x20, 0, 0x20, 1, 0x6a]), // add
  body([], [0x23, 1, 0x23, 0, 0x6a]), // getG: g + base
  body([], [0x41, 0, 0x20, 0, 0x36, 2, 0, 0x20, 0, 0x10, 0]), // store: mem[0] = x; log(x)
  body([], [0x41, 6, 0x41, 7, 0x20, 0, 0x11, 0, 0]), // callIndirect(i): table[i](6, 7)
  body([[1, I32]], [ // sumTo(n): loop acc += n-- while n
    0x02, 0x40, 0x03, 0x40,
    0x20, 0, 0x45, 0x0d, 1,
    0x20, 1, 0x20, 0, 0x6a, 0x21, 1,
    0x20, 0, 0x41, 1, 0x6b, 0x21, 0,
    0x0c, 0, 0x0b, 0x0b,
    0x20, 1,
  ]),
  body([], [0x20, 0, 0x20, 1, 0x6c]), // mul
]);
const data = vec([[0x00, 0x41, 16, 0x0b, ...str('hello from wasm data segment\u0000')]]);
const nameSection = (() => { const funcNames = vec([[0, ...str('log')], [1, ...str('add')], [5, ...str('sum_to')]]); const sub = [1, ...leb(funcNames.length), ...funcNames]; return section(0, [...str('name'), ...sub]); })();
const wasmBytes = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, types), ...section(2, imports), ...section(3, funcs), ...section(4, table), ...section(5, memory),
  ...section(6, globals), ...section(7, exportsSec), ...section(9, elems), ...section(10, code), ...section(11, data), ...nameSection,
]);
if (!WebAssembly.validate(wasmBytes)) throw new Error('hand-built wasm module does not validate');

async function main() {
  const logged = [];
  const module = new WebAssembly.Module(wasmBytes);
  const asyncModule = await WebAssembly.compile(wasmBytes);
  B.wasm = { bytes: wasmBytes, module, asyncModule, exports: WebAssembly.Module.exports(module), imports: WebAssembly.Module.imports(module), custom: WebAssembly.Module.customSections(module, 'name') };
  B.instances = [];
  for (let i = 0; i < 5; i++) {
    const inst = new WebAssembly.Instance(i % 2 ? module : asyncModule, { env: { log: (x) => logged.push(x), base: i * 100 } });
    const e = inst.exports;
    e.store(i + 1);
    if (e.add(2, 3) !== 5 || e.callIndirect(0) !== 13 || e.callIndirect(1) !== 42 || e.sumTo(10) !== 55) throw new Error('wasm computed wrong');
    e.g.value = 1000 + i;
    B.instances.push(inst);
  }
  const { instance: viaInstantiate } = await WebAssembly.instantiate(wasmBytes, { env: { log: () => {}, base: 7 } });
  B.instances.push(viaInstantiate);
  let acc = 0;
  for (let i = 0; i < 200000; i++) acc = (acc + viaInstantiate.exports.sumTo(i & 63)) | 0; // tier-up
  B.wasmAcc = acc;
  B.memText = Buffer.from(B.instances[0].exports.memory.buffer, 16, 28).toString();
  B.jsMemory = new WebAssembly.Memory({ initial: 2, maximum: 10 });
  B.jsMemory.grow(1);
  try { B.sharedMemory = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true }); } catch { B.sharedMemory = null; }
  B.funcTable = new WebAssembly.Table({ element: 'anyfunc', initial: 3 });
  B.funcTable.set(0, B.instances[0].exports.add);
  try {
    B.externTable = new WebAssembly.Table({ element: 'externref', initial: 10 });
    for (let i = 0; i < 10; i++) B.externTable.set(i, { heldByWasmTable: i });
    B.externGlobal = new WebAssembly.Global({ value: 'externref', mutable: true }, { heldByWasmGlobal: true });
  } catch { /* no reference types */ }
  B.globals = [new WebAssembly.Global({ value: 'i32', mutable: true }, 1), new WebAssembly.Global({ value: 'i64' }, 2n ** 40n), new WebAssembly.Global({ value: 'f64', mutable: true }, Math.PI)];
  try { new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 2, 0, 0, 0])); } catch (e) { B.compileError = e; }
  B.logged = logged;

  globalThis.__binary = B;
  global.gc();
  v8.writeHeapSnapshot(OUT);
  port1.close(); port2.close();
  console.log(`binary_wasm: ${kinds.length} typed array kinds, ${B.instances.length} wasm instances, mem text "${B.memText.replace(/\0/g, '\\0')}", rab=${!!B.rab}, waitAsync=${B.waitAsync ? B.waitAsync.async : 'n/a'}`);
  process.exit(0); // the Atomics.waitAsync is still pending
}
main().catch((e) => { console.error(e); process.exit(1); });
