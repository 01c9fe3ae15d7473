'use strict';
// No leak (control corpus): code paths first run after the first snapshot.
// Hundreds of distinct functions are compiled lazily on first call, get
// feedback vectors and allocation sites, and become hot and optimised over
// the later rounds; a different set is reached in each round, as a
// service's routes are first hit at different times.
const { series } = require('./lib');

const handlers = [];
for (let i = 0; i < 600; i++) {
  // Distinct source text: each is its own function with its own feedback.
  handlers.push(new Function('req', `
    const out = { route: ${i}, items: [] };
    for (let k = 0; k < req.n; k++) out.items.push({ k, v: k * ${i + 1}, s: 'r${i}-' + k });
    return out.items.length + out.route;
  `));
}

let round = 0;
series(() => {
  round++;
  // Warm-up and S1: routes 0-99; then 100 more routes per round.
  const reach = Math.min(handlers.length, 100 * Math.max(1, round - 1));
  let n = 0;
  for (let r = 0; r < 20; r++) {
    for (let i = 0; i < reach; i++) n += handlers[i]({ n: 20 });
  }
  return n;
}, { warmup: 1 });
