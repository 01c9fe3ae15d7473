// Writes a heap snapshot of roughly TARGET_MB megabytes from a realistic
// mixed heap: class instances, closures, Maps, Sets, strings, arrays,
// Buffers, Promises and EventEmitters, as a long-running service holds.
//   node --max-old-space-size=16384 bench/make-snapshot.js OUT.heapsnapshot TARGET_MB
'use strict';
const v8 = require('v8');
const { EventEmitter } = require('events');

const out = process.argv[2];
const targetMB = Number(process.argv[3] || 20);
if (!out || !(targetMB > 0)) {
  console.error('usage: make-snapshot.js OUT TARGET_MB');
  process.exit(2);
}

class Request {
  constructor(id, user) {
    this.id = id;
    this.user = user;
    this.headers = { 'content-type': 'application/json', 'x-request-id': 'req-' + id };
    this.startedAt = Date.now();
  }
}
class User {
  constructor(i) {
    this.name = 'user' + i;
    this.email = 'user' + i + '@example.com';
    this.tags = ['a' + (i % 7), 'b' + (i % 13)];
  }
}

const world = { users: new Map(), sessions: new Set(), cache: new Map(), emitters: [], handlers: [], blobs: [] };
globalThis.world = world;

// One unit adds about 1.2 KB of snapshot text to the ~4 MB of an empty node.
function unit(i) {
  const u = new User(i);
  world.users.set(u.name, u);
  const req = new Request(i, u);
  world.sessions.add(req);
  world.handlers.push(function onResponse(res) { return req.id + res; });
  if (i % 4 === 0) world.cache.set('k' + i, { value: 'v'.repeat(i % 64), hits: i, at: new Date(i) });
  if (i % 16 === 0) {
    const em = new EventEmitter();
    em.on('data', () => req);
    world.emitters.push(em);
  }
  if (i % 32 === 0) world.blobs.push(Buffer.alloc(64, i % 256), Promise.resolve(i), [i, i + 1, i + 2]);
}

const units = Math.round(Math.max(0, targetMB - 4) * 810);
for (let i = 0; i < units; i++) unit(i);
v8.writeHeapSnapshot(out);
const size = require('fs').statSync(out).size;
console.log(`${out}: ${(size / 1e6).toFixed(1)} MB`);
