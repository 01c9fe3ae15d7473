'use strict';
// A translation store with an observer table (one Map of callbacks per
// event, as i18next's ResourceStore keeps), and a per-request formatter
// that subscribes to hot-reloaded bundles to reset its memo, and is never
// unsubscribed: each callback keeps its formatter and its memo.
const { series } = require('./lib');

class BundleStore {
  constructor() { this.observers = {}; this.bundles = { en: { hello: 'Hello {name}' } }; }
  on(event, fn) {
    if (!this.observers[event]) this.observers[event] = new Map();
    const n = this.observers[event].get(fn) || 0;
    this.observers[event].set(fn, n + 1);
  }
  off(event, fn) { if (this.observers[event]) this.observers[event].delete(fn); }
}

class MessageFormatter {
  constructor(store, lng) {
    this.lng = lng;
    this.memo = new Map();
    this.onBundleAdded = () => this.memo.clear();
    store.on('added', this.onBundleAdded);
  }
  format(key, vars) {
    let out = this.memo.get(key);
    if (!out) {
      out = key + ' ' + JSON.stringify(vars) + ' '.repeat(200);
      this.memo.set(key, out);
    }
    return out;
  }
}

const store = new BundleStore();
let n = 0;
series(() => {
  for (let i = 0; i < 300; i++) {
    const f = new MessageFormatter(store, 'en');
    f.format('hello', { name: 'user ' + n++ });
  }
});
