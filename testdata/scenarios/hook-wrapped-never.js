'use strict';
// Leak through a method wrapped per call and never put back: each job
// wraps the shared reporter's send() to tag its lines with the job's id,
// keeping the previous send() to call it, and nothing restores it.
const { series } = require('./lib');

const reporter = {
  lines: 0,
  send(line) {
    this.lines++;
    return line.length;
  },
};

function runJob(id) {
  const original = reporter.send;
  const seen = new Array(64).fill(id);
  reporter.send = (line) => original.call(reporter, `[job ${id}:${seen.length}] ${line}`);
  reporter.send('started');
  reporter.send('done');
}

let n = 0;
series(async () => {
  for (let i = 0; i < 30; i++) runJob(n++);
});
