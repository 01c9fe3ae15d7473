'use strict';
// Leak: per-endpoint latency stats keyed by the raw URL. Ids in the path
// and a query string make nearly every request a new key, so the Map
// gains an entry per request, though the routes are only three.
const { series } = require('./lib');

class LatencyStats {
  constructor(route) {
    this.route = route;
    this.samples = new Array(16).fill(0);
    this.count = 0;
  }
  observe(ms) {
    this.samples[this.count++ % 16] = ms;
  }
}

const statsByEndpoint = new Map();

function record(method, url, ms) {
  const key = method + ' ' + url;
  let st = statsByEndpoint.get(key);
  if (!st) {
    st = new LatencyStats(key);
    statsByEndpoint.set(key, st);
  }
  st.observe(ms);
}

let next = 0;
series(() => {
  for (let i = 0; i < 500; i++) {
    const id = 100000 + next++;
    const routes = ['/api/orders/' + id, '/api/users/' + id + '/cart', '/api/search?q=item' + id];
    record(i % 2 ? 'GET' : 'POST', routes[i % 3], i % 50);
  }
});
