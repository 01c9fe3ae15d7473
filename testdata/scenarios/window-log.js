'use strict';
// Leak: a failure log that applies its size only when read (recent()
// returns the last entries) and never when recording, so it keeps every
// failure.
const { series } = require('./lib');

class DeliveryFailure {
  constructor(id) {
    this.id = id;
    this.body = 'f'.repeat(500) + id;
  }
}

class FailureLog {
  constructor(size) {
    this.size = size;
    this.failedDeliveries = [];
  }

  record(failure) {
    this.failedDeliveries.push(failure);
  }

  recent(limit = this.size) {
    return this.failedDeliveries.slice(-Math.min(limit, this.size)).reverse();
  }
}

const failures = new FailureLog(200);
let n = 0;
series(() => {
  for (let i = 0; i < 300; i++) failures.record(new DeliveryFailure(n++));
  return failures.recent().length;
});
