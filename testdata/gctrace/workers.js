// Two isolates in one process: the main thread and a worker each allocate
// and print their own GC lines, which share the pid but not the isolate
// address. The worker leaks; the main thread does not.
const { Worker, isMainThread } = require('worker_threads');
const ms = +(process.argv[2] || 1500);
const keep = [];
const start = Date.now();
let i = 0;
function tick() {
  for (let k = 0; k < 1000; k++) {
    const o = { id: i, s: 'w' + i, pad: new Array(8).fill(i) };
    if (!isMainThread && i % 10 === 0) keep.push(o);
    i++;
  }
  if (Date.now() - start < ms) setTimeout(tick, 5);
}
if (isMainThread) new Worker(__filename, { argv: [String(ms)] });
tick();
