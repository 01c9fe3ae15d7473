'use strict';
// A request context carried along async resources with async_hooks: each
// new resource inherits its trigger's context in init(), and its entry is
// deleted in after(). Timers cleared before they fire never run a
// callback, so after() never comes for them and their entries stay, each
// keeping the request's context. A second hook pairs before() with
// after() and is right.
const { createHook, executionAsyncId } = require('async_hooks');
const { series } = require('./lib');

const contexts = new Map();
createHook({
  init(asyncId, type, triggerAsyncId) {
    const ctx = contexts.get(triggerAsyncId);
    if (ctx !== undefined) contexts.set(asyncId, ctx);
  },
  after(asyncId) {
    contexts.delete(asyncId);
  },
}).enable();

const started = new Map();
createHook({
  before(asyncId) {
    started.set(asyncId, process.hrtime.bigint());
  },
  after(asyncId) {
    started.delete(asyncId);
  },
}).enable();

class RequestContext {
  constructor(id) { this.id = id; this.headers = { 'x-request-id': 'r' + id, agent: 'x'.repeat(200) }; }
}

let next = 0;
function handle(done) {
  setImmediate(() => {
    contexts.set(executionAsyncId(), new RequestContext(next++));
    const guard = setTimeout(() => {}, 60000);
    clearTimeout(guard);
    done();
  });
}

series(() => new Promise((resolve) => {
  let left = 300;
  for (let i = 0; i < 300; i++) handle(() => { if (--left === 0) resolve(); });
}));
