'use strict';
// Leak: flags memoized on a key its cacheKey option builds from the whole
// evaluation context, which carries each request's own id, so every key is
// new and every result stays. The memoizer files each wrapper's cache in a
// module WeakMap under the wrapper, which is the shortest way to it.
const crypto = require('crypto');
const { series } = require('./lib');
const memoize = require('tiny-memo');

class FlagSet {
  constructor(ctx) {
    this.tenant = ctx.tenantId;
    this.values = { beta: ctx.userId.length % 2 === 0, dark: true };
  }
}

function evaluateAll(ctx) {
  return new FlagSet(ctx);
}

const evaluate = memoize(evaluateAll, {
  cacheKey: ([ctx]) => JSON.stringify(ctx),
});

function handle(n) {
  const ctx = { tenantId: 't' + (n % 7), userId: 'u' + (n % 50), requestId: crypto.randomUUID() };
  return evaluate(ctx);
}

let next = 0;
series(() => {
  for (let i = 0; i < 300; i++) handle(next++);
});
