'use strict';
// No leak (control corpus): many timers that fire and are re-armed: 1000
// pollers each with a setTimeout that schedules the next one from its
// callback, plus a set of intervals. Every round waits for them to fire.
const { series } = require('./lib');

class Poller {
  constructor(id) { this.id = id; this.polls = 0; this.last = null; this.arm(); }
  arm() {
    this.timer = setTimeout(() => {
      this.polls++;
      this.last = { at: Date.now(), value: 'poll-' + this.polls };
      this.arm();
    }, 1 + (this.id % 5));
  }
}

const pollers = [];
for (let i = 0; i < 1000; i++) pollers.push(new Poller(i));
let ticks = 0;
const intervals = [];
for (let i = 0; i < 50; i++) intervals.push(setInterval(() => { ticks++; }, 2));

series(async () => {
  const target = pollers[0].polls + 20;
  await new Promise((resolve) => {
    const check = () => (pollers[0].polls >= target ? resolve() : setImmediate(check));
    check();
  });
}, {
  warmup: 1,
  done() {
    for (const p of pollers) clearTimeout(p.timer);
    for (const t of intervals) clearInterval(t);
    for (const p of pollers) p.arm = () => {};
  },
});
