'use strict';
// Object-model corners: heap numbers (object fields, mutable doubles, -0, NaN),
// Smi/double/holey/dictionary elements, BigInts (small, huge, negative), Symbols
// (private-ish, registered, well-known as keys), dictionary-mode objects with
// thousands of properties, numeric/symbol/accessor keys, null-prototype objects,
// frozen/sealed/non-extensible objects, Map/Set with 1e5 entries, WeakMap/WeakSet
// ephemerons (keys alive and keys reachable only weakly), WeakRef and
// FinalizationRegistry, Proxies (nested, revoked, function proxies), class
// private fields/methods/accessors, static blocks, inheritance chains, bound
// functions (nested), Error objects (captured stacks, cause, AggregateError,
// custom subclasses, Error.captureStackTrace), RegExp with lastIndex and named
// groups, Dates (valid/invalid), Intl objects (DateTimeFormat, NumberFormat,
// Collator, Segmenter + segments iterator, PluralRules, RelativeTimeFormat,
// ListFormat, DisplayNames, Locale), Temporal where the runtime has it,
// Iterator helpers and explicit resource management where available.
// Snapshot written with { exposeNumericValues: true }. Calls global.gc() first.
const v8 = require('v8');

const OUT = process.argv[2];
if (!OUT) { console.error('usage: objects.js OUT.heapsnapshot'); process.exit(2); }

const Z = {};

// ---- numbers
Z.heapNumbers = { pi: Math.PI, negZero: -0, nan: NaN, inf: -Infinity, big: 2 ** 53 + 2, tiny: Number.MIN_VALUE, int32Overflow: 2 ** 31 };
Z.mutableDouble = { x: 0.5 };
for (let i = 0; i < 100; i++) Z.mutableDouble.x += 0.25; // in-place mutable heap number field
Z.boxedNumbers = [new Number(42), new Number(-0), Object(1.5)];
Z.smiArray = Array.from({ length: 10000 }, (_, i) => i - 5000);
Z.doubleArray = Array.from({ length: 10000 }, (_, i) => i / 3);
Z.holeyDoubles = [1.5, , 2.5, , , 3.5]; // eslint-disable-line no-sparse-arrays
Z.holeySmis = [1, , 3]; // eslint-disable-line no-sparse-arrays
Z.mixedArray = [1, 1.5, 'two', { three: 3 }, null, undefined, true, 10n, Symbol('in array')];
Z.dictElements = []; Z.dictElements[1e6] = 'sparse'; Z.dictElements[5] = 'five'; Z.dictElements[-1] = 'negative key';
Z.sparseObjectIndices = { 0: 'a', 1: 'b', 4294967294: 'max index', 4294967295: 'not an index', '-1': 'neg', 1.5: 'frac' };
Z.numberObjects = Array.from({ length: 2000 }, (_, i) => ({ id: i, score: i * 0.1, ratio: i / 7, n: i | 0 }));

// ---- BigInt
Z.bigints = [0n, 1n, -1n, 2n ** 64n, -(2n ** 127n) + 1n, 2n ** 4000n + 12345n, BigInt(Number.MAX_SAFE_INTEGER) * 3n, BigInt.asIntN(64, -5n), BigInt.asUintN(64, -5n)];
Z.bigintMap = new Map(Array.from({ length: 500 }, (_, i) => [BigInt(i) ** 5n, i]));
Z.bigint64 = new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n]);

// ---- Symbols
const sPrivate = Symbol('private-ish');
const sReg = Symbol.for('registered.symbol');
const sEmpty = Symbol();
Z.symbolKeyed = { [sPrivate]: 'hidden', [sReg]: 'registered', [sEmpty]: 'empty description', [Symbol.iterator]: function* () { yield 1; }, [Symbol.toPrimitive]: () => 7, [Symbol.toStringTag]: 'Tagged' };
Z.symbols = [sPrivate, sReg, sEmpty, Symbol.asyncIterator, Symbol('') , Object(Symbol('boxed symbol'))];

// ---- dictionary mode / property kinds
const dict = {};
for (let i = 0; i < 5000; i++) dict[`prop_${i}`] = i % 2 ? i : `v${i}`;
delete dict.prop_17; // force dictionary mode for sure
Z.dict = dict;
const manyFast = {};
for (let i = 0; i < 120; i++) manyFast['f' + i] = i; // many in-object / backing-store properties
Z.manyFast = manyFast;
Z.accessors = {
  _v: 1,
  get v() { return this._v; },
  set v(x) { this._v = x; },
  get onlyGetter() { return 'g'; },
  set onlySetter(x) { this._s = x; },
};
Object.defineProperty(Z.accessors, 'hidden', { value: 'non-enumerable', enumerable: false });
Object.defineProperty(Z.accessors, 'computed', { get: function computedGetter() { return Date.now(); }, configurable: true });
Z.nullProto = Object.create(null);
Z.nullProto.a = 1; Z.nullProto[Symbol('np')] = 2; Z.nullProto[3] = 'three';
Z.nullProtoDict = Object.create(null);
for (let i = 0; i < 2000; i++) Z.nullProtoDict[`k${i}`] = { i };
Z.frozen = Object.freeze({ a: 1, nested: { b: 2 }, arr: Object.freeze([1, 2, 3]) });
Z.sealed = Object.seal({ c: 3, d: [4] });
Z.nonExt = Object.preventExtensions({ e: 5 });
Z.frozenArray = Object.freeze(Array.from({ length: 100 }, (_, i) => i * 2));
Z.protoChain = Object.create(Object.create(Object.create({ level: 0 }, { level1: { value: 1 } }), { level2: { value: 2 } }));

// ---- Map / Set
Z.bigMap = new Map();
Z.bigSet = new Set();
for (let i = 0; i < 100000; i++) {
  Z.bigMap.set(i % 4 === 0 ? { objKey: i } : i, i % 3 ? `val${i}` : i * 0.5);
  Z.bigSet.add(i % 5 === 0 ? Symbol(`s${i}`) : i);
}
Z.mapOfMaps = new Map([[new Map([[1, new Set([new Map()])]]), 'nested']]);

// ---- weak collections and references
const wmKeysAlive = Array.from({ length: 200 }, (_, i) => ({ alive: i }));
Z.wmKeysAlive = wmKeysAlive;
Z.weakMap = new WeakMap();
Z.weakSet = new WeakSet();
for (const k of wmKeysAlive) { Z.weakMap.set(k, { valueFor: k.alive, big: new Array(20).fill(k.alive) }); Z.weakSet.add(k); }
// ephemeron chain: value of one entry is the key of the next
let prevKey = wmKeysAlive[0];
for (let i = 0; i < 100; i++) { const next = { chain: i }; Z.weakMap.set(prevKey, next); prevKey = next; }
// symbols as weak keys (non-registered symbols are allowed)
try { Z.weakMap.set(Symbol('weak symbol key'), 'symbol value'); Z.weakMap.set(sPrivate, 'held symbol key'); } catch { /* older runtime */ }
Z.finalized = [];
Z.registry = new FinalizationRegistry((held) => Z.finalized.push(held));
Z.weakRefs = [];
for (let i = 0; i < 100; i++) {
  const target = { weaklyHeld: i, payload: `payload ${i}` };
  Z.weakRefs.push(new WeakRef(target));
  Z.registry.register(target, `held-${i}`, i % 2 ? target : undefined);
  if (i % 10 === 0) Z.strongAlso = (Z.strongAlso || []).concat(target);
}
const unregisterToken = {};
Z.registry.register({ temp: true }, 'temp', unregisterToken);
Z.unregisterToken = unregisterToken;

// ---- proxies
const target = { a: 1, b: { c: 2 } };
const handler = {
  get(t, k, r) { return k === 'magic' ? 42 : Reflect.get(t, k, r); },
  has(t, k) { return k === 'magic' || k in t; },
  ownKeys(t) { return [...Reflect.ownKeys(t), 'magic']; },
  getOwnPropertyDescriptor(t, k) { return k === 'magic' ? { value: 42, enumerable: true, configurable: true } : Reflect.getOwnPropertyDescriptor(t, k); },
};
Z.proxy = new Proxy(target, handler);
Z.proxyOfProxy = new Proxy(Z.proxy, {});
Z.fnProxy = new Proxy(function original(x) { return x; }, { apply: (t, th, args) => t(...args) * 2, construct: (t, args) => ({ constructed: args }) });
const { proxy: revocable, revoke } = Proxy.revocable({ willBeRevoked: true }, {});
revoke();
Z.revokedProxy = revocable;
Z.arrayProxy = new Proxy([1, 2, 3], {});

// ---- classes
class Base {
  static instances = 0;
  static #secretCount = 0;
  static { Base.initializedAt = 'static block'; Base.#secretCount = 1; }
  #id;
  constructor(id) { this.#id = id; Base.instances++; }
  get id() { return this.#id; }
  #privateMethod() { return this.#id * 2; }
  get #privateAccessor() { return 'pa'; }
  reveal() { return [this.#privateMethod(), this.#privateAccessor]; }
  static count() { return Base.#secretCount; }
}
class Derived extends Base {
  #extra = new Map([[1, 'one']]);
  #arrowField = () => this.#extra.size;
  field = 'public field';
  ['computed' + 'Field'] = 1;
  static { this.derivedStatic = new Set([1, 2]); }
  constructor(id) { super(id); this.own = id; }
  *[Symbol.iterator]() { yield* this.#extra; }
}
class ExtendsNull { constructor() { return Object.create(null); } }
Object.setPrototypeOf(ExtendsNull.prototype, null);
Z.classes = { Base, Derived, ExtendsNull };
Z.instances = Array.from({ length: 500 }, (_, i) => new Derived(i));
Z.anonClassInstance = new (class { x = 1; })();
Z.builtinSubclasses = [new (class MyArray extends Array {})(1, 2, 3), new (class MyMap extends Map {})([[1, 2]]), new (class MyPromise extends Promise {})(() => {})];

// ---- functions
function plain(a, b) { return a + b; }
Z.bound = plain.bind({ thisArg: true }, 1);
Z.boundTwice = Z.bound.bind(null);
Z.boundClass = Derived.bind(null, 99);
Z.arrow = (x) => x;
Z.asyncArrow = async (x) => x;
Z.generatorFn = function* g() {};
Z.methodShorthand = { m() {} }.m;
Z.newFunction = new Function('a', 'b', 'return a * b');
Z.fnWithProps = Object.assign(function withProps() {}, { prop: 'on a function', nested: { deep: true } });

// ---- errors
Error.stackTraceLimit = 50;
function deepThrow(n) { if (n === 0) throw new TypeError('deep type error'); return deepThrow(n - 1); }
Z.errors = [];
try { deepThrow(30); } catch (e) { Z.errors.push(e); }
Z.errors.push(new Error('with cause', { cause: new RangeError('the cause', { cause: { plain: 'object cause' } }) }));
Z.errors.push(new AggregateError([new Error('a'), new SyntaxError('b'), 'not an error'], 'aggregate'));
class HttpError extends Error { constructor(status) { super(`http ${status}`); this.name = 'HttpError'; this.status = status; } }
Z.errors.push(new HttpError(503));
const captured = { note: 'captureStackTrace target' };
Error.captureStackTrace(captured);
Z.errors.push(captured);
Z.errors.push(Object.assign(new Error('accessed stack'), { code: 'E_ACCESSED' }));
void Z.errors[Z.errors.length - 1].stack; // materialize one stack, leave others lazy
try { null.x; } catch (e) { Z.errors.push(e); }
try { JSON.parse('{"bad": }'); } catch (e) { Z.errors.push(e); }
try { new Array(-1); } catch (e) { Z.errors.push(e); }
if (typeof SuppressedError === 'function') Z.errors.push(new SuppressedError(new Error('e'), new Error('s'), 'suppressed'));

// ---- regexps and dates
const re = /(?<word>\w+)\s(?<num>\d+)/g;
re.exec('hello 1 world 2');
Z.regexWithLastIndex = re;
Z.stickyRe = /foo/y; Z.stickyRe.lastIndex = 3;
Z.regexps = [/a/dgimsuy, /[\p{L}--\p{Ll}]/v, new RegExp('(?:)'), /(a)|b/];
Z.regexMatches = [...'a1b22c333'.matchAll(/(?<d>\d+)/g)];
Z.execWithIndices = /(?<x>b+)/d.exec('aabbbcc');
Z.dates = [new Date(0), new Date(8.64e15), new Date(NaN), new Date(2024, 1, 29, 12, 30, 15, 999)];

// ---- Intl
Z.intl = {
  dtf: new Intl.DateTimeFormat('de-CH', { dateStyle: 'full', timeStyle: 'long', timeZone: 'Asia/Kolkata' }),
  nf: new Intl.NumberFormat('ar-EG', { style: 'currency', currency: 'EGP' }),
  nfUnit: new Intl.NumberFormat('ja-JP', { style: 'unit', unit: 'kilometer-per-hour', notation: 'compact' }),
  collator: new Intl.Collator('sv', { sensitivity: 'base', numeric: true }),
  segmenter: new Intl.Segmenter('th', { granularity: 'word' }),
  plural: new Intl.PluralRules('cy', { type: 'ordinal' }),
  rtf: new Intl.RelativeTimeFormat('fr', { numeric: 'auto' }),
  list: new Intl.ListFormat('es', { type: 'disjunction' }),
  names: new Intl.DisplayNames(['zh-Hant'], { type: 'region' }),
  locale: new Intl.Locale('en-Latn-US-u-ca-buddhist-nu-thai'),
};
Z.intlResults = {
  dates: Z.dates.filter((d) => !Number.isNaN(+d)).map((d) => Z.intl.dtf.format(d)),
  parts: Z.intl.nf.formatToParts(-1234567.891),
  sorted: ['ä', 'a', 'z', 'å', 'file10', 'file2'].sort(Z.intl.collator.compare),
  segmentsIter: Z.intl.segmenter.segment('สวัสดีครับ นี่คือการทดสอบ')[Symbol.iterator](),
  segments: [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment('👨‍👩‍👧e\u0301!')],
  plural: [1, 2, 3, 6].map((n) => Z.intl.plural.select(n)),
  rel: Z.intl.rtf.format(-1, 'day'),
  list: Z.intl.list.format(['uno', 'dos', 'tres']),
  name: Z.intl.names.of('TW'),
};
Z.intlResults.segmentsIter.next(); // iterator suspended after its first segment

// ---- newer builtins, when present
if (typeof Temporal === 'object') {
  Z.temporal = [Temporal.Now.instant(), Temporal.PlainDate.from('2024-02-29'), Temporal.Duration.from({ hours: 25, minutes: 61 }), Temporal.ZonedDateTime.from('2024-03-10T02:30[America/New_York]')];
}
if (typeof Iterator === 'function' && Iterator.prototype.map) {
  Z.iteratorHelper = Iterator.from([1, 2, 3, 4]).map((x) => x * 2).filter((x) => x > 2);
  Z.iteratorHelper.next();
}
if (typeof DisposableStack === 'function') {
  Z.disposable = new DisposableStack();
  Z.disposable.defer(() => {});
  Z.asyncDisposable = new AsyncDisposableStack();
  Z.asyncDisposable.use({ [Symbol.asyncDispose]: async () => {} });
}
Z.globalThisRef = globalThis;
Z.argumentsObjects = [(function () { return arguments; })(1, 'two', { three: 3 }), (function (a) { 'use strict'; return arguments; })(1)];
Z.sloppyMapped = (function (a, b) { arguments[0] = 'mapped'; return arguments; })(1, 2);

globalThis.__objects = Z;
global.gc();
// exposeNumericValues: Smis and heap-number values appear as their own nodes
v8.writeHeapSnapshot(OUT, { exposeNumericValues: true });
console.log(`objects_zoo: ${Z.bigMap.size} map entries, ${Object.keys(Z.dict).length} dict props, ${Z.errors.length} errors, temporal=${!!Z.temporal}, disposable=${!!Z.disposable}`);
