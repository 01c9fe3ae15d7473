'use strict';
// Long-poll waiters subscribe a named function to a store (a stand-in for
// redux) and unsubscribe only when their job succeeds; jobs that fail
// leave the subscription, and the request it captured, for good.
const { series } = require('./lib');
const { createStore } = require('tiny-store');

const store = createStore();
let next = 0;

function waitFor(jobId, req) {
  function check() {
    if (store.getState().last === 'done:' + jobId && req.headers) unsubscribe();
  }
  const unsubscribe = store.subscribe(check);
}

series(() => {
  for (let i = 0; i < 300; i++) {
    waitFor(next++, { headers: { cookie: 'c'.repeat(200) + next } });
    store.dispatch({ type: 'failed:' + next });
  }
});
