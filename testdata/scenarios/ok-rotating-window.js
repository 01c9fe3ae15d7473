'use strict';
// Control: a rate limiter's store of hit counts in two generations, as
// express-rate-limit's MemoryStore keeps them: every window the current
// Map becomes the previous one and a new current starts. The Map that is
// previous at the last snapshot was current at the one before and filled
// in between: it grows across snapshots, yet nothing outlives two windows.
const { series } = require('./lib');

class WindowStore {
  constructor(window) {
    this.window = window;
    this.seen = 0;
    this.previous = new Map();
    this.current = new Map();
  }

  increment(key) {
    let client = this.current.get(key) || this.previous.get(key);
    if (!client) client = { hits: 0, resetTime: new Date(Date.now() + 60000), key };
    this.previous.delete(key);
    client.hits++;
    this.current.set(key, client);
    if (++this.seen % this.window === 0) {
      this.previous = this.current;
      this.current = new Map();
    }
  }
}

const store = new WindowStore(3000);
let next = 0;
series(() => {
  for (let i = 0; i < 2000; i++) store.increment('10.0.' + (next >> 8) + '.' + (next++ & 255));
});
