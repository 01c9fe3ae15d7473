'use strict';
// Leak: a search proxy caches each upstream answer for its max-age. An
// answer without one gets a ttl of 0, which node-cache reads as "never
// expire" (not "do not cache"), and the guard lets 0 through: every such
// query stays, whatever stdTTL says.
const { series } = require('./lib');
const NodeCache = require('node-cache');

const answers = new NodeCache({ stdTTL: 60, checkperiod: 5 });

function maxAge(headers) {
  const m = /max-age=(\d+)/.exec(headers['cache-control'] || '');
  return m ? Number(m[1]) : 0;
}

function store(key, body, headers) {
  const ttl = maxAge(headers);
  if (ttl >= 0) answers.set(key, body, ttl);
}

let next = 0;
series(() => {
  for (let i = 0; i < 300; i++) {
    const q = 'query ' + next++;
    store(q, { query: q, hits: [next, next + 1], text: 'r'.repeat(100) }, {});
  }
});
