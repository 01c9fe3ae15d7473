'use strict';
// Leak through an early return that skips disposal: each quote request
// gets a Watchlist, made by a factory, that subscribes to the shared price
// feed; quote() releases it once the answer is built, but the branch that
// answers from the last quote returns before that.
const { EventEmitter } = require('events');
const { series } = require('./lib');

const prices = new EventEmitter();
prices.setMaxListeners(0);

class Watchlist {
  constructor(feed, symbols) {
    this.feed = feed;
    this.symbols = symbols;
    this.ticks = new Array(40).fill(0);
    this.onTick = this.onTick.bind(this);
    feed.on('tick', this.onTick);
  }

  onTick(t) {
    if (this.symbols.includes(t.symbol)) this.ticks.push(t.price);
  }

  release() {
    this.feed.off('tick', this.onTick);
  }
}

function watchFor(symbols) {
  return new Watchlist(prices, symbols);
}

const lastQuote = new Map();

function quote(id, symbols) {
  const list = watchFor(symbols);
  const key = symbols.join(',');
  if (id % 3 === 0 && lastQuote.has(key)) {
    return lastQuote.get(key);
  }
  prices.emit('tick', { symbol: symbols[0], price: id });
  const answer = { key, ticks: list.ticks.length };
  lastQuote.set(key, answer);
  list.release();
  return answer;
}

let n = 0;
series(async () => {
  for (let i = 0; i < 60; i++) {
    n++;
    quote(n, ['ACME', 'INIT', 'ZED'].slice(0, 1 + (n % 3)));
  }
});
