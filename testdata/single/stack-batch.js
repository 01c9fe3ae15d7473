'use strict';
// A function in the middle of its work when the snapshot is taken: it
// holds a batch of 3000 Orders in a local array (the input of a
// Promise.all, a batch being built). Only the running function keeps
// them: in use now, not kept. Beside it, a module-level Map of Sessions.
const v8 = require('v8');

class Order {
  constructor(i) {
    this.id = i;
    this.lines = ['line-' + i, 'line-' + (i + 1)];
  }
}
class Session {
  constructor(i) {
    this.id = i;
    this.data = 's'.repeat(200) + i;
  }
}

const sessions = new Map();
for (let i = 0; i < 2000; i++) sessions.set(i, new Session(i));

function processBatch(out) {
  const batch = [];
  for (let i = 0; i < 3000; i++) batch.push(new Order(i));
  v8.writeHeapSnapshot(out); // while batch is live
  return batch.length;
}

module.exports = { sessions, processBatch };
// After the module is loaded, as a request handler would run.
setImmediate(() => processBatch(process.argv[2]));
