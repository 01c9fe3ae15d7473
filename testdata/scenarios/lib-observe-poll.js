'use strict';
// Leak through an observable map's change listeners on a long poll's
// timeout: next() keeps the remover observe() returns and calls it when a
// change answers the poll and when the client aborts, but the timer that
// answers an idle poll runs finish(), which does not, so each poll that
// times out stays among the listeners with what it captured (a change to
// another key passes it by).
const { ObservableMap, observe } = require('tiny-observe');
const { series } = require('./lib');

const levels = new ObservableMap();

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
    const stop = observe(levels, (change) => {
      if (change.name !== sku) return;
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
  levels.set('busy', n);
  await Promise.all(waits.concat(answered));
});
