'use strict';
// No leak (control corpus): a rate-limit state per account, made the first
// time an account calls. Accounts come from a directory loaded at start
// (1,500 of them); each round brings 200 more of them into play, so the
// three snapshots see the state Map at 600, 800 and 1,000 entries, like a
// leak. It can never hold more keys than the directory has: its keys are
// the directory's.
const { series } = require('./lib');

const directory = new Map();
for (let i = 0; i < 1500; i++) {
  directory.set('acct-' + i, { id: 'acct-' + i, plan: i % 3 ? 'basic' : 'pro', owner: 'owner ' + i + '@example.com' });
}

class Bucket {
  constructor(plan) {
    this.tokens = plan === 'pro' ? 100 : 10;
    this.history = Array.from({ length: 16 }, () => ({ at: 0, cost: 0 }));
  }
}

const buckets = new Map();
function allow(accountId) {
  let b = buckets.get(accountId);
  if (!b) {
    b = new Bucket(directory.get(accountId).plan);
    buckets.set(accountId, b);
  }
  return b.tokens-- > 0;
}

let inPlay = 0;
series(() => {
  inPlay += 200;
  for (let i = 0; i < 2000; i++) allow('acct-' + ((i * 7919) % inPlay));
});
