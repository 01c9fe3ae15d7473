'use strict';
// A state machine per order keeps its pending delayed transitions in a
// table of its own (xstate's timerMap: id → setTimeout handle), as
// orders in flight do: one-shot timers still in node's lists, each to
// fire and let go. They are work in flight, not timers never cleared.
const { once } = require('./lib');

class Clock {
  constructor() {
    this.timerMap = {};
  }
  schedule(id, fn, ms) {
    this.timerMap[id] = setTimeout(() => {
      delete this.timerMap[id];
      fn();
    }, ms);
  }
}

once(() => {
  const clock = new Clock();
  const orders = new Map();
  for (let i = 0; i < 1500; i++) {
    const order = { id: 'o' + i, state: 'settling', lines: Array.from({ length: 5 }, (_, k) => ({ k, sku: 'S' + k })) };
    orders.set(order.id, order);
    clock.schedule('settle.' + order.id, () => orders.delete(order.id), 5000 + (i % 7) * 1000);
  }
  globalThis.app = { clock, orders };
});
