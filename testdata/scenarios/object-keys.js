'use strict';
// A Map keyed by record objects: each account's row is read again from
// the directory (a fresh object each time), so the client cached for it
// is never found and a new one is kept per read.
const { series } = require('./lib');

class AccountClient {
  constructor(account) {
    this.region = account.region;
    this.buffer = new Array(200).fill(account.slug);
  }
}

const accounts = Array.from({ length: 40 }, (_, i) => ({ slug: 'acct' + i, region: i % 2 ? 'eu' : 'us', plan: 'pro' }));

// readAccount returns the directory's row as a fresh object, as a query does.
function readAccount(i) {
  return JSON.parse(JSON.stringify(accounts[i % accounts.length]));
}

const clients = new Map();

function clientFor(account) {
  let c = clients.get(account);
  if (!c) {
    c = new AccountClient(account);
    clients.set(account, c);
  }
  return c;
}

let n = 0;
series(() => {
  for (let i = 0; i < 400; i++) clientFor(readAccount(n++));
});
