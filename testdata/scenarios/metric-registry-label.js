'use strict';
// Leak through a metric label given a raw path: the vendor client records
// each call's latency labelled with the request path, which holds an
// order id, so every order adds a series. The failure counter passes the
// path through routeOf() first. The metrics are reached through the
// registry, not through a variable of the module's.
const prom = require('prom-client');
const { series } = require('./lib');

const registry = new prom.Registry();

function routeOf(path) {
  return path.replace(/\/\d+/g, '/:id');
}

function makeVendorClient() {
  const vendorLatency = new prom.Histogram({
    name: 'vendor_call_seconds',
    help: 'vendor API latency',
    labelNames: ['op', 'path'],
    registers: [registry],
  });
  const vendorFailures = new prom.Counter({
    name: 'vendor_failures_total',
    help: 'vendor API failures',
    labelNames: ['op', 'path'],
    registers: [registry],
  });
  return (op, path, ms) => {
    vendorLatency.observe({ op, path: path }, ms / 1000);
    if (ms > 90) vendorFailures.inc({ op, path: routeOf(path) });
  };
}

const record = makeVendorClient();
let n = 0;
series(async () => {
  for (let i = 0; i < 60; i++) {
    n++;
    record(n % 2 ? 'GET' : 'POST', '/orders/' + (100000 + n) + '/lines', n % 100);
  }
});
