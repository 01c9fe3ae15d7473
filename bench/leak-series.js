// Writes a series of 3 heap snapshots of one process, each roughly TARGET_MB
// megabytes, for benchmarking `leakhound leaks`: a mixed service-like heap
// (users, sessions in Maps/Sets, closures, strings, arrays) plus a listener
// leak that grows between snapshots, as in the guide's case study.
//   node --max-old-space-size=16384 bench/leak-series.js OUTDIR TARGET_MB
'use strict';
const v8 = require('v8');
const path = require('path');
const fs = require('fs');
const { EventEmitter } = require('events');

const outDir = process.argv[2];
const targetMB = Number(process.argv[3] || 20);
if (!outDir || !(targetMB > 0)) {
  console.error('usage: leak-series.js OUTDIR TARGET_MB');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });

class User {
  constructor(i) {
    this.name = 'user' + i;
    this.email = 'user' + i + '@example.com';
    this.tags = ['a' + (i % 7), 'b' + (i % 13)];
  }
}
class Session {
  constructor(i, user) {
    this.id = 'sess-' + i;
    this.user = user;
    this.data = { visits: i % 100, last: Date.now() };
  }
}
class RequestContext {
  constructor(i) { this.id = i; this.body = new Array(16).fill(i); }
}

const world = { users: new Map(), sessions: new Set(), handlers: [] };
globalThis.world = world;
const bus = new EventEmitter();
bus.setMaxListeners(0);
globalThis.bus = bus;

// One unit adds roughly 0.95 KB of snapshot text.
function unit(i) {
  const u = new User(i);
  world.users.set(u.name, u);
  world.sessions.add(new Session(i, u));
  if (i % 4 === 0) world.handlers.push(() => u.name.length);
}
let leaked = 0;
function leakSome(n) {
  for (let i = 0; i < n; i++) {
    const ctx = new RequestContext(leaked++);
    bus.on('response', () => ctx.id);
  }
}

const units = Math.round(targetMB * 1e6 / 950);
for (let i = 0; i < units; i++) unit(i);
for (let s = 1; s <= 3; s++) {
  leakSome(Math.max(100, Math.round(units / 100)));
  const file = path.join(outDir, `s${s}.heapsnapshot`);
  v8.writeHeapSnapshot(file);
  console.log(file, fs.statSync(file).size);
}
