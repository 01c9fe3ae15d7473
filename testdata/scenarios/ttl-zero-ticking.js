'use strict';
// Leak: ttl-zero's duplicate guard (a stdTTL that rounds down to 0, so
// entries never expire), with a check period short enough that node-cache's
// check timer fires between every two snapshots. Each tick replaces the
// cache's Timeout and bound callback with new ones; the timer list then
// reaches the cache first, so its newest Timeout dominates the growing
// cache. That is still the cache's one leak, not a second one of timers.
const { series } = require('./lib');
const NodeCache = require('node-cache');

class DuplicateGuard {
  constructor({ windowMs }) {
    this.cache = new NodeCache({
      stdTTL: Math.floor(windowMs / 1000),
      checkperiod: 0.05,
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
series(async () => {
  // Let the check timer fire (at least twice) before this round's work.
  await new Promise((resolve) => setTimeout(resolve, 120));
  for (let i = 0; i < 300; i++) {
    const id = next++;
    guard.claim('msg:' + id, { id, channel: 'sms', sentAt: Date.now(), body: 'b'.repeat(100) });
  }
});
