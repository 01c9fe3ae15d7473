'use strict';
// Metrics labelled with the raw URL (mimics prom-client): a counter and a
// histogram gain a series per request in one handler. One leak.
const { series } = require('./lib');
const client = require('prom-client');

const requests = new client.Counter({ name: 'http_requests_total' });
const latency = new client.Histogram({ name: 'http_request_seconds' });
let next = 0;

function handle(url) {
  latency.observe({ path: url }, 0.02);
  requests.inc({ method: 'GET', path: url, status: 200 });
}

series(() => {
  for (let i = 0; i < 200; i++) handle('/orders/' + (100000 + next++));
});
