'use strict';
// Leak: jobs wait in a Map until their upstream call settles. The
// upstream (another process) accepts every connection and never answers,
// and fetch() is given no timeout, so every job stays, with its request
// and its open socket.
const { spawn } = require('child_process');
const { series } = require('./lib');

// The upstream ends when its stdin does, so it never outlives this
// process (killed by a test's timeout, say).
const upstream = spawn(process.execPath, ['-e',
  "require('net').createServer(() => {}).listen(0, '127.0.0.1', function () { console.log(this.address().port); });" +
  "process.stdin.on('end', () => process.exit(0)).resume();"],
  { stdio: ['pipe', 'pipe', 'inherit'] });
const inflight = new Map();
let next = 0;

async function run(url, job) {
  job.stage = 'scoring';
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(job.order) });
  job.stage = 'done';
  return res.json();
}

function submit(url, order) {
  const job = { order, stage: 'queued' };
  inflight.set(order.id, job);
  run(url, job).catch(() => {}).finally(() => inflight.delete(order.id));
}

upstream.stdout.once('data', (d) => {
  const url = `http://127.0.0.1:${String(d).trim()}/score`;
  series(async () => {
    for (let i = 0; i < 40; i++) {
      submit(url, { id: 'o' + next++, items: new Array(20).fill('item'), notes: 'n'.repeat(500) });
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }, { done: () => { upstream.kill(); process.exit(0); } });
});
