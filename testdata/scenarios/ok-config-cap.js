'use strict';
// No leak (control corpus): a feed per account of a fixed set, each
// trimmed at this.maxItems, a value read from config/ok-config-cap.yaml
// (feed.maxItemsPerAccount: 80). Three snapshots see the feeds filling;
// the bound is in the configuration, not in the script.
const { series } = require('./lib');
const fs = require('fs');
const path = require('path');

const text = fs.readFileSync(path.join(__dirname, 'config', 'ok-config-cap.yaml'), 'utf8');
const maxItemsPerAccount = Number(/maxItemsPerAccount:\s*(\d+)/.exec(text)[1]);

class FeedStore {
  constructor({ maxItemsPerAccount }) {
    this.maxItems = maxItemsPerAccount;
    this.feeds = new Map();
  }

  add(account, item) {
    let feed = this.feeds.get(account);
    if (!feed) {
      feed = [];
      this.feeds.set(account, feed);
    }
    feed.push(item);
    if (feed.length > this.maxItems) feed.shift();
  }
}

const store = new FeedStore({ maxItemsPerAccount });
const accounts = Array.from({ length: 40 }, (_, i) => 'acct-' + i);
let next = 0;
series(() => {
  for (let i = 0; i < 400; i++) {
    store.add(accounts[i % accounts.length], { id: next++, title: 'item ' + next + ' ' + 't'.repeat(100) });
  }
});
