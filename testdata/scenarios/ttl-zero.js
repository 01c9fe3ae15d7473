'use strict';
// Leak: a duplicate guard that believes its entries expire after a window
// of 750 ms. node-cache's stdTTL is in seconds, and Math.floor(750 / 1000)
// is 0: "never expire". Every request's receipt stays.
const { series } = require('./lib');
const NodeCache = require('node-cache');

class DuplicateGuard {
  constructor({ windowMs }) {
    this.cache = new NodeCache({
      stdTTL: Math.floor(windowMs / 1000),
      checkperiod: 1,
    });
  }

  claim(key, receipt) {
    const earlier = this.cache.get(key);
    if (earlier) return earlier;
    this.cache.set(key, receipt);
    return null;
  }
}

const guard = new DuplicateGuard({ windowMs: 750 });
let next = 0;
series(() => {
  for (let i = 0; i < 300; i++) {
    const id = next++;
    guard.claim('msg:' + id, { id, channel: 'sms', sentAt: Date.now(), body: 'b'.repeat(100) });
  }
});
