// Closures, Maps, Sets, class instances, EventEmitters, Buffers, Promises,
// arrays and strings: the everyday shapes of a Node.js heap.
'use strict';
const EventEmitter = require('events');
const writeSnapshot = require('./common');

class Session {
  constructor(id) {
    this.id = id;
    this.user = { name: 'user' + id, roles: ['reader'] };
    this.payload = 'x'.repeat(64) + id; // a concatenated/flat string per session
  }
}

class Cache {
  constructor() {
    this.entries = new Map();
    this.keys = new Set();
  }
  put(k, v) {
    this.entries.set(k, v);
    this.keys.add(k);
  }
}

const cache = new Cache();
for (let i = 0; i < 200; i++) cache.put('session:' + i, new Session(i));

const bus = new EventEmitter();
bus.setMaxListeners(0);
const handlers = [];
for (let i = 0; i < 50; i++) {
  const captured = { n: i, buf: Buffer.alloc(256, i) };
  const h = (data) => captured.n + data;
  bus.on('response', h);
  handlers.push(h);
}

// Promises: pending ones keep their reactions alive.
const pending = [];
for (let i = 0; i < 20; i++) {
  pending.push(new Promise(() => {}).then(() => i));
}
const resolved = Promise.resolve({ done: true });

// Plain objects sharing a shape (DevTools names them after their properties).
const points = [];
for (let i = 0; i < 300; i++) points.push({ x: i, y: i * 2, label: 'p' + (i % 7) });

const big = Buffer.alloc(64 * 1024, 1);
const sliced = ('prefix-' + 'y'.repeat(100)).slice(3);

global.__golden = { cache, bus, handlers, pending, resolved, points, big, sliced };
writeSnapshot();
