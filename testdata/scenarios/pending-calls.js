'use strict';
// An RPC client that keeps every call in a Map until its answer comes;
// one-way calls never get one, so their entries (each with the resolve and
// reject functions of a promise that never settles) pile up. The caller
// gave up long ago (Promise.race with a deadline).
const { series } = require('./lib');

class PendingCall {
  constructor(id, method, params) {
    this.id = id;
    this.method = method;
    this.params = params;
    this.promise = new Promise((resolve, reject) => { this.resolve = resolve; this.reject = reject; });
  }
}

class RpcClient {
  constructor() { this.next = 1; this.pending = new Map(); }
  call(method, params) {
    const c = new PendingCall(this.next++, method, params);
    this.pending.set(c.id, c);
    return c.promise; // the answer to a one-way call never comes
  }
}

const rpc = new RpcClient();
series(async () => {
  for (let i = 0; i < 200; i++) {
    const deadline = new Promise((resolve) => setTimeout(resolve, 1, 'timeout'));
    await Promise.race([rpc.call('audit.record', { i, note: 'x'.repeat(100) }), deadline]);
  }
}, { done: () => rpc });
