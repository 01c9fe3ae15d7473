'use strict';
// Leak: a retry backoff waits on a timer and listens for the app's
// shutdown signal with { once: true }, to stop early. The timer ends every
// normal wait first, and once takes a listener out only when the signal
// fires, so every wait leaves its listener (and the delivery it would
// reject with) on the app-wide signal. Each send's own listener is removed
// in a finally: a look-alike.
const { series } = require('./lib');

const shutdown = new AbortController();
const signal = shutdown.signal;
let next = 0;

async function send(delivery) {
  const onShutdown = () => { delivery.cancelled = true; };
  signal.addEventListener('abort', onShutdown, { once: true });
  try {
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    signal.removeEventListener('abort', onShutdown);
  }
}

async function waitBeforeRetry(delivery) {
  await new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, 1);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Error('delivery ' + delivery.id + ' aborted'));
    }, { once: true });
  });
}

series(async () => {
  const all = [];
  for (let i = 0; i < 100; i++) {
    const delivery = { id: next++, body: 'd'.repeat(1000) };
    all.push(send(delivery).then(() => waitBeforeRetry(delivery)));
  }
  await Promise.all(all);
});
