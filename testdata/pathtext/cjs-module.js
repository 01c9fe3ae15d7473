'use strict';
// CommonJS module variables holding the program's objects, also reachable
// through a pending timer and an emitter's listener defined in the module:
// their paths read `module cjs-module.js → cache → …`, and a library's
// module variable `module tiny-cache/index.js → store → …`. The snapshot
// is written from a timer. Writes one snapshot to argv[2].
const v8 = require('v8');
const { EventEmitter } = require('events');
const tiny = require('./node_modules/tiny-cache');

class Item { constructor(i) { this.i = i; } }
class Entry { constructor(i) { this.i = i; } }
const cache = new Map();
for (let i = 0; i < 10; i++) cache.set('k' + i, new Item(i));
for (let i = 0; i < 10; i++) tiny.put(i, new Entry(i));

const bus = new EventEmitter();
function onTick() { return cache.size; }
bus.on('tick', onTick);
setInterval(onTick, 60000).unref();
setTimeout(() => v8.writeHeapSnapshot(process.argv[2]), 10);
