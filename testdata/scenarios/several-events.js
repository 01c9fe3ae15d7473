'use strict';
// One object subscribes to two events of a shared bus (a 'message' and a
// 'close' listener per subscriber) and never unsubscribes: listeners pile
// up on both events, and both must be named. A third event ('ready') keeps
// one listener and is not part of the leak.
const { EventEmitter } = require('events');
const { series } = require('./lib');

const bus = new EventEmitter();
bus.setMaxListeners(0);
bus.on('ready', () => {});

class Subscriber {
  constructor(id) {
    this.id = id;
    this.seen = new Array(64).fill(id);
    bus.on('message', (m) => this.seen.push(m));
    bus.on('close', () => { this.closed = true; });
  }
}

let next = 0;
series(() => {
  for (let i = 0; i < 200; i++) new Subscriber(next++);
});
