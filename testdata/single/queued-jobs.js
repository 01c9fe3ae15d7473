'use strict';
// A backlog in a job queue (p-queue): 2 jobs run, waiting on an upstream
// that has not answered yet, and 3,000 more wait their turn, each with its
// payload. add()'s promise is not awaited (fire and forget), so no
// reaction shows it pending. One snapshot shows work waiting for a slot,
// not a collection to bound.
const { PQueue } = require('tiny-pqueue');
const { once } = require('./lib');

const queue = new PQueue({ concurrency: 2 });
const answers = [];

async function render(job) {
  await new Promise((resolve) => answers.push(resolve)); // the upstream answers later
  return job.id;
}

once(() => {
  for (let i = 0; i < 3002; i++) {
    const job = { id: i, payload: 'p'.repeat(300) + i };
    queue.add(() => render(job));
  }
});
