'use strict';
// A per-request interval started inside AsyncLocalStorage.run() and never
// cleared: each timer keeps its request's store.
const { AsyncLocalStorage } = require('async_hooks');
const { series } = require('./lib');

const als = new AsyncLocalStorage();
class RequestContext {
  constructor(id) {
    this.requestId = id;
    this.log = Array.from({ length: 60 }, (_, i) => 'trace ' + id + ' step ' + i);
  }
}
function heartbeat() {
  const ctx = als.getStore();
  if (ctx) ctx.lastBeat = Date.now();
}
let next = 0;

series(() => {
  for (let i = 0; i < 100; i++) {
    als.run(new RequestContext('req' + next++), () => {
      setInterval(heartbeat, 60000);
    });
  }
}, { done: () => process.exit(0) });
