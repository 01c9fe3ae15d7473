'use strict';
// No leak (control corpus): listeners that come and go. Every connection
// subscribes to a shared emitter and unsubscribes when it closes; at most
// a few hundred are open at a time, a different number at each snapshot.
const { EventEmitter } = require('events');
const { series } = require('./lib');

const bus = new EventEmitter();
bus.setMaxListeners(0);
class Conn {
  constructor(id) {
    this.id = id;
    this.onConfig = () => this.id;
    bus.on('config', this.onConfig);
  }
  close() { bus.removeListener('config', this.onConfig); }
}

const open = [];
let next = 0;
let round = 0;
series(() => {
  round++;
  for (let i = 0; i < 3000; i++) {
    open.push(new Conn(next++));
    // 400, 250, 300, ... left open at the snapshot.
    if (open.length > [400, 250, 300, 350][round % 4]) open.shift().close();
  }
  while (open.length > [400, 250, 300, 350][round % 4]) open.shift().close();
}, { warmup: 1 });
