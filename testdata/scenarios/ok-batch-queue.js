'use strict';
// No leak (control corpus): a batch job. Work arrives faster than it is
// processed for a while (the queue grows between the first and second
// snapshots), then the producer stops and the workers drain the queue.
const { series, tick } = require('./lib');

class Job {
  constructor(id) { this.id = id; this.payload = new Array(16).fill(id); }
}

const queue = [];
let next = 0;
let round = 0;
let done = 0;

async function work(n) {
  for (let i = 0; i < n && queue.length; i++) {
    const j = queue.shift();
    done += j.payload.length;
    if (i % 500 === 0) await tick();
  }
}

series(async () => {
  round++;
  // Rounds 1-2 (warm-up, S1) balanced; round 3 (to S2) piles up;
  // round 4 (to S3) produces nothing and drains.
  const produce = round <= 2 ? 2000 : round === 3 ? 8000 : 0;
  for (let i = 0; i < produce; i++) queue.push(new Job(next++));
  await work(round === 3 ? 2000 : 20000);
}, { warmup: 1 });
