'use strict';
// A feature-flag service memoizes each user's evaluation with a memoizer
// library and no maximum: one result per distinct user, kept for good.
const { series } = require('./lib');
const memoize = require('tiny-memo');

class Evaluation {
  constructor(flag, user) {
    this.flag = flag;
    this.variant = (user.length + flag.length) % 2 ? 'on' : 'off';
    this.reason = 'rule ' + flag + ' matched for ' + user + ' '.repeat(80);
  }
}

class FlagService {
  constructor(flags) {
    this.flags = flags;
    this.evaluate = memoize((ctx) => this.flags.map((f) => new Evaluation(f, ctx.userId)), {
      normalizer: ([ctx]) => 'user=' + ctx.userId + '&plan=' + ctx.plan,
    });
  }
}

const service = new FlagService(['checkout', 'search', 'banner']);
let n = 0;
series(() => {
  for (let i = 0; i < 300; i++) service.evaluate({ userId: 'u' + n++, plan: 'pro' });
});
