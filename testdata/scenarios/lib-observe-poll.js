'use strict';
// Leak through an observable's observers on a long poll's timeout: next()
// keeps the remover reaction() returns and calls it when a change answers
// the poll and when the client aborts, but the timer that answers an idle
// poll runs finish(), which does not, so each poll that times out stays
// among the observers with what it captured.
const { ObservableValue, reaction } = require('tiny-observe');
const { series } = require('./lib');

const level = new ObservableValue({ sku: '', qty: 0 });

class Poll {
  constructor(client) {
    this.client = client;
    this.seen = [];
    this.note = 'p'.repeat(200) + client;
  }
}

function next(client, sku, { timeoutMs = 1, signal } = {}) {
  const poll = new Poll(client);
  return new Promise((resolve) => {
    let timer = null;
    const finish = () => {
      if (timer) clearTimeout(timer);
      resolve(poll.seen);
    };
    const stop = reaction(level, (change) => {
      if (change.sku !== sku) return;
      poll.seen.push(change);
      stop();
      finish();
    });
    function onAbort() {
      stop();
      finish();
    }
    if (signal) signal.addEventListener('abort', onAbort, { once: true });
    timer = setTimeout(finish, timeoutMs);
  });
}

let n = 0;
series(async () => {
  const waits = [];
  for (let i = 0; i < 150; i++) waits.push(next('c' + n++, 'quiet'));
  const answered = [];
  for (let i = 0; i < 50; i++) answered.push(next('a' + n++, 'busy', { timeoutMs: 60000 }));
  level.set({ sku: 'busy', qty: n });
  await Promise.all(waits.concat(answered));
});
