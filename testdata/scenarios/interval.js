'use strict';
// Intervals that are never cleared: each poller starts a setInterval whose
// callback closes over the poller, so neither the Timeout nor the poller can
// ever be collected.
const { series } = require('./lib');

class Poller {
  constructor(id) {
    this.id = id;
    this.samples = new Array(128).fill(id);
  }
  poll() { return this.samples.length; }
}

let next = 0;
function startPolling() {
  const p = new Poller(next++);
  // The leak: the handle is dropped, so clearInterval can never be called.
  setInterval(() => p.poll(), 3600 * 1000);
}

series(() => {
  for (let i = 0; i < 150; i++) startPolling();
}, { done: () => process.exit(0) });
