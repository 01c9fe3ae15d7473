'use strict';
// Leak: every peer starts a heartbeat that re-arms itself with a fresh
// bound callback (setTimeout(this.ping.bind(this), 20)) and nothing ever
// stops it, so every peer stays. The timers fire between snapshots: each
// peer's current Timeout is always newer than the last snapshot.
const { series } = require('./lib');

class Peer {
  constructor(id) {
    this.id = id;
    this.seen = Date.now();
    this.backlog = Buffer.alloc(512);
    this.timer = null;
  }

  start() {
    this.timer = setTimeout(this.ping.bind(this), 20);
  }

  ping() {
    this.seen = Date.now();
    this.start();
  }

  close() {
    clearTimeout(this.timer);
  }
}

let next = 0;
series(
  async () => {
    for (let i = 0; i < 300; i++) new Peer(next++).start();
    await new Promise((resolve) => setTimeout(resolve, 60));
  },
  { done: () => process.exit(0) }, // the heartbeats would run for ever
);
