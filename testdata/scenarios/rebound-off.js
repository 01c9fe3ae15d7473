'use strict';
// Leak: each price watcher listens with this.onPrice.bind(this) and, when
// stopped, "removes" it with a second .bind(): another function, never
// added, so off() removes nothing and every stopped watcher stays on the
// feed with its history.
const { EventEmitter } = require('events');
const { series } = require('./lib');

const feed = new EventEmitter();
feed.setMaxListeners(0);

class PriceWatcher {
  constructor(symbol) {
    this.symbol = symbol;
    this.history = new Array(64).fill(0);
  }

  start() {
    feed.on('price', this.onPrice.bind(this));
  }

  stop() {
    feed.off('price', this.onPrice.bind(this));
  }

  onPrice(p) {
    this.history.push(p);
    this.history.shift();
  }
}

let next = 0;
series(() => {
  for (let i = 0; i < 400; i++) {
    const w = new PriceWatcher('S' + next++);
    w.start();
    feed.emit('price', i);
    w.stop();
  }
});
