'use strict';
// Leak through a library emitter with its own listener lists (tseep-like):
// a long poll listens for a quote by name and removes itself only when a
// matching quote arrives; a poll that times out never removes its
// listener, which keeps the poll.
const { EventEmitter } = require('tiny-emit');
const { series } = require('./lib');

const quoteBus = new EventEmitter();

class PendingPoll {
  constructor(id, symbol) {
    this.id = id;
    this.symbol = symbol;
    this.settled = false;
    this.body = 'q'.repeat(300) + id;
  }
  settle(code) {
    this.settled = true;
    this.code = code;
  }
}

function poll(id, symbol) {
  const p = new PendingPoll(id, symbol);
  const channel = 'quote:' + symbol;

  function onQuote(quote) {
    if (p.settled || quote.price < 0) return;
    quoteBus.off(channel, onQuote);
    p.settle(200);
  }

  quoteBus.on(channel, onQuote);
  // Timed out: answered with nothing, the listener stays.
  p.settle(204);
  return p;
}

let n = 0;
series(() => {
  for (let i = 0; i < 300; i++) poll(n++, 'S' + (n % 10));
  quoteBus.emit('quote:S1', { price: 1 });
});
