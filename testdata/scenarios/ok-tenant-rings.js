'use strict';
// No leak (control corpus): a usage history per tenant, for a fixed set of
// 50 tenants, each a ring buffer that appends while it has room and then
// overwrites its oldest record. Each round adds 40 records per tenant, so
// the three snapshots see 6,000, 8,000 and 10,000 records: growth at every
// snapshot, yet each buffer is still filling toward its capacity (read from
// a setting with a default) and there are always 50 of them.
const { series } = require('./lib');

function setting(name, fallback) {
  const v = Number.parseInt(process.env[name] ?? '', 10);
  return Number.isNaN(v) ? fallback : v;
}
const HISTORY_PER_TENANT = setting('LEAKHOUND_TEST_HISTORY', 300);

class Ring {
  constructor(capacity) {
    this.capacity = capacity;
    this.items = [];
    this.head = 0;
  }
  push(item) {
    if (this.items.length < this.capacity) this.items.push(item);
    else {
      this.items[this.head] = item;
      this.head = (this.head + 1) % this.capacity;
    }
  }
}

class UsageRecord {
  constructor(tenant, n) { this.tenant = tenant; this.n = n; this.note = 'call ' + n + ' of ' + tenant; }
}

const tenants = new Map();
for (let t = 0; t < 50; t++) tenants.set('tenant-' + t, { history: new Ring(HISTORY_PER_TENANT) });

let n = 0;
series(() => {
  for (const [id, state] of tenants) {
    for (let i = 0; i < 40; i++) state.history.push(new UsageRecord(id, n++));
  }
});
