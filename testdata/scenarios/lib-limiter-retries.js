'use strict';
// Leak through a library emitter with no way to take one listener out:
// each delivery adds its own 'failed' listener to the shared limiter,
// to retry itself; the emitter offers on(), once() and
// removeAllListeners() only, so every delivery's listener stays.
const { Limiter } = require('tiny-limiter');
const { series } = require('./lib');

const limiter = new Limiter();

class Delivery {
  constructor(id, hook) {
    this.id = id;
    this.hook = hook;
    this.payload = 'p'.repeat(400) + id;
    this.tries = 0;
  }
}

function deliver(d) {
  function retryOnFailure(err) {
    if (err.id === d.id && d.tries < 3) d.tries++;
  }
  limiter.on('failed', retryOnFailure);
  return limiter.schedule(() => d.hook.length);
}

let n = 0;
series(async () => {
  for (let i = 0; i < 300; i++) await deliver(new Delivery(n++, 'https://hooks.example/' + (n % 7)));
});
