// WeakMaps, WeakSets, WeakRefs and FinalizationRegistry: values retained
// through ephemeron edges, objects reachable only through weak references.
'use strict';
const writeSnapshot = require('./common');

class Key { constructor(i) { this.i = i; } }
class Value { constructor(i) { this.data = new Array(32).fill(i); } }

const wm = new WeakMap();
const liveKeys = [];
for (let i = 0; i < 100; i++) {
  const k = new Key(i);
  wm.set(k, new Value(i));
  if (i % 2 === 0) liveKeys.push(k); // odd keys die with their values
}

const ws = new WeakSet();
for (const k of liveKeys) ws.add(k);

class Target { constructor(i) { this.i = i; this.blob = 'b'.repeat(200) + i; } }
const refs = [];
const strong = [];
for (let i = 0; i < 50; i++) {
  const t = new Target(i);
  refs.push(new WeakRef(t));
  if (i % 5 === 0) strong.push(t);
}

const registry = new FinalizationRegistry(() => {});
const tokens = [];
for (let i = 0; i < 20; i++) {
  const o = { i };
  registry.register(o, 'held ' + i);
  tokens.push(o);
}

// A value reachable from both a WeakMap and a strong path.
const shared = new Value(-1);
const sharedKey = new Key(-1);
wm.set(sharedKey, shared);

global.__golden = { wm, liveKeys, ws, refs, strong, registry, tokens, shared, sharedKey };
writeSnapshot();
