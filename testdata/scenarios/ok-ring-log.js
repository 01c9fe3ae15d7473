'use strict';
// No leak (control corpus): a log of recent events in a ring made at its
// full length (new Array(2000), written by index, the index wrapping), which
// is still filling its empty slots: it never holds more than 2000.
const { series } = require('./lib');

class RecentLog {
  constructor(size) {
    this.ring = new Array(size);
    this.pos = 0;
  }

  add(level, msg) {
    this.ring[this.pos] = { at: Date.now(), level, msg };
    this.pos = (this.pos + 1) % this.ring.length;
  }
}

const recent = new RecentLog(2000);
let next = 0;
series(() => {
  for (let i = 0; i < 300; i++) recent.add(i % 10 ? 'info' : 'warn', 'request ' + next++ + ' done');
});
