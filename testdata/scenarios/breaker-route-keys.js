'use strict';
// Leak through a breaker registry keyed by the concrete path: call()
// builds the key from the request path, which holds a shipment id, so
// every quote makes and keeps a new Breaker (and its rolling interval).
// retireCarrier() terminates breakers and deletes them, but only when an
// admin retires a carrier.
const CircuitBreaker = require('tiny-circuit');
const { series } = require('./lib');

const carrierBreakers = new Map();

function breakerFor(key, action) {
  let breaker = carrierBreakers.get(key);
  if (!breaker) {
    breaker = new CircuitBreaker(action, { name: key });
    carrierBreakers.set(key, breaker);
  }
  return breaker;
}

function retireCarrier(name) {
  for (const [key, breaker] of carrierBreakers) {
    if (key.startsWith(name + ' ')) {
      breaker.terminate();
      carrierBreakers.delete(key);
    }
  }
}

function makeCarrier(name) {
  async function doRequest(method, path) {
    return { method, path, rate: path.length };
  }
  function call(method, path) {
    const breaker = breakerFor(`${name} ${method} ${path}`, doRequest);
    return breaker.fire(method, path);
  }
  return { rates: (id) => call('GET', `/v1/shipments/${id}/rates`), track: () => call('GET', '/v1/tracking') };
}

const carriers = [makeCarrier('swift'), makeCarrier('parcel')];
let n = 0;
series(async () => {
  for (let i = 0; i < 40; i++) {
    n++;
    await carriers[n % 2].rates(100000 + n);
    await carriers[n % 2].track();
  }
  if (n < 0) retireCarrier('swift');
}, { done: () => process.exit(0) });
