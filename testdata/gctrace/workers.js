// Two isolates in one process: the main thread and a worker each allocate
// and print their own GC lines, which share the pid but not the isolate
// address. The worker leaks; the main thread does not.
const { Worker, isMainThread } = require('worker_threads');
// A fixed amount of work (not a duration); see healthy.js.
let ticks = +(process.argv[2] || 300);
const keep = (globalThis.keep = []); // held after the last tick too (see leak.js)
let i = 0;
function tick() {
  for (let k = 0; k < 1000; k++) {
    const o = { id: i, s: 'w' + i, pad: new Array(8).fill(i) };
    if (!isMainThread && i % 10 === 0) keep.push(o);
    i++;
  }
  if (--ticks > 0) setTimeout(tick, 5);
}
if (isMainThread) new Worker(__filename, { argv: [String(ticks)] });
tick();
