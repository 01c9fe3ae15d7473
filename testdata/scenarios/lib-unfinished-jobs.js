'use strict';
// Leak: a library's tracker keeps each running job in its own Set until
// finish(job); the program calls it only when the work succeeds, so every
// failed job stays. The library adds and deletes; the program skips the
// delete on its error path.
const { series } = require('./lib');
const { JobTracker } = require('tiny-jobs');

const tracker = new JobTracker();

function work(n) {
  const job = tracker.start('resize', { n, image: 'x'.repeat(200) });
  if (n % 3 === 0) throw new Error('corrupt image ' + n); // finish() never runs
  tracker.finish(job);
}

let next = 0;
series(() => {
  for (let i = 0; i < 450; i++) {
    try {
      work(next++);
    } catch {
      // logged and dropped
    }
  }
});
