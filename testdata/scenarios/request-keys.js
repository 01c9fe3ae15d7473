'use strict';
// Leak: a rate limiter keyed by tenant and client, where requests without
// a client id fall back to their request id. The tenants are few; every
// anonymous request adds a bucket that is never looked up again.
const { series } = require('./lib');
const crypto = require('crypto');

class Limiter {
  constructor() {
    this.buckets = new Map();
  }

  hit(tenant, clientId, requestId) {
    const key = tenant + ':' + (clientId || requestId);
    let b = this.buckets.get(key);
    if (!b) {
      b = { key, tokens: 10, recent: [] };
      this.buckets.set(key, b);
    }
    b.recent.push(Date.now());
    if (b.recent.length > 20) b.recent.shift();
  }
}

const tenants = ['t_acme', 't_globex', 't_initech', 't_umbrella', 't_wayne'];
const limiter = new Limiter();
let n = 0;
series(() => {
  for (let i = 0; i < 300; i++) {
    const t = tenants[n++ % tenants.length];
    const client = i % 3 === 0 ? t + '-web' : null;
    limiter.hit(t, client, crypto.randomUUID());
  }
});
