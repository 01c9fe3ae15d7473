'use strict';
// A limiter window per client, kept in a Map the module exports.
const { LRUCache } = require('lru-cache');

const buckets = new Map();

function windowFor(client) {
  let w = buckets.get(client);
  if (!w) {
    w = new LRUCache({ max: 16, ttl: 60000 });
    buckets.set(client, w);
  }
  return w;
}

function allow(client, route) {
  const w = windowFor(client);
  const hits = w.get(route) || [];
  hits.push(Date.now());
  w.set(route, hits);
  return hits.length < 100;
}

module.exports = { allow, buckets };
