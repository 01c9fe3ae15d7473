'use strict';
// WeakMap values kept alive through their keys: 50 listeners on `bus` keep
// a Connection each, and a WeakMap maps each Connection to a big Meta. 10
// more Connections are keys whose Meta is also held by `shared`, so their
// values live without the key. The WeakMap is a global (reachable from the
// user roots, as a library's module-level WeakMap is), the rest locals of
// main(), on the stack when the snapshot is written (reachable only from
// the GC roots, distance −): DevTools' dominator tree then hangs the
// values from the root, and the emitter retains a few bytes. Writes one
// snapshot to argv[2].
const v8 = require('v8');
const { EventEmitter } = require('events');

class Connection { constructor(id) { this.id = id; } }
class Meta { constructor(id) { this.id = id; this.spans = Array.from({ length: 50 }, (_, i) => ({ i })); } }

globalThis.meta = new WeakMap();

function main(out) {
  const meta = globalThis.meta;
  const bus = new EventEmitter();
  bus.setMaxListeners(0);
  const shared = [];
  for (let i = 0; i < 60; i++) {
    const conn = new Connection(i);
    const m = new Meta(i);
    meta.set(conn, m);
    if (i >= 50) shared.push(m);
    bus.on('drain', () => conn.id);
  }
  v8.writeHeapSnapshot(out);
  return bus.listenerCount('drain') + shared.length + (meta.has(bus) ? 1 : 0);
}
setTimeout(() => main(process.argv[2]), 10);
