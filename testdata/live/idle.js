// A small long-running program for the inspector tests: it keeps some
// objects alive, then waits. It prints "ready" once set up so the test knows
// when to attach.
'use strict';
const kept = [];
for (let i = 0; i < 1000; i++) kept.push({ id: i, name: 'item' + i });
globalThis.kept = kept;
// A leak driven from the outside: each call keeps 100 more objects.
class LeakyThing { constructor(i) { this.i = i; this.pad = 'x'.repeat(64) + i; } }
globalThis.leakStore = [];
globalThis.leakStep = () => { for (let i = 0; i < 100; i++) globalThis.leakStore.push(new LeakyThing(i)); return globalThis.leakStore.length; };
setInterval(() => {}, 1000);
console.log('ready ' + process.pid);
