'use strict';
// A retry scheduler, one for the process, driven by its own interval: it
// runs due entries but never removes them, so every retry (and the job its
// callback keeps) stays in its entries array. Thirty small health checks
// share the scheduler's interval, so node's list of those timers holds the
// scheduler too: the same bytes, further up.
const { series } = require('./lib');

class RetryEntry {
  constructor(due, callback) {
    this.due = due;
    this.callback = callback;
    this.fired = false;
  }
}

class Scheduler {
  constructor() {
    this.entries = [];
    this.timer = setInterval(() => this.tick(), 40);
  }
  schedule(delay, callback) {
    this.entries.push(new RetryEntry(Date.now() + delay, callback));
  }
  tick() {
    const now = Date.now();
    for (const e of this.entries) {
      if (!e.fired && e.due <= now) {
        e.fired = true;
        e.callback();
      }
    }
  }
}

const checks = [];
for (let i = 0; i < 30; i++) {
  const state = { name: 'check-' + i, ok: 0 };
  checks.push(setInterval(() => { state.ok++; }, 40));
}

const scheduler = new Scheduler();
let next = 0;
series(() => {
  for (let i = 0; i < 300; i++) {
    const job = { id: next++, body: 'payload '.repeat(30) + next };
    scheduler.schedule(0, () => job.id);
  }
}, { done: () => { clearInterval(scheduler.timer); checks.forEach(clearInterval); } });
