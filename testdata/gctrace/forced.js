// Forced GCs under normal churn: a service that keeps a steady working set
// and allocates short-lived request objects, with something calling
// global.gc() every 150 ms (run with --expose-gc): a test harness, a
// "memory hygiene" timer or a monitoring agent. The forced full
// collections each mark the whole working set, so they cost far more than
// the program's own scavenges; they are not the program's allocation
// pressure. A fixed amount of work (not a duration), so a loaded machine
// changes the timing but not the shape.
const live = [];
for (let i = 0; i < 60000; i++) live.push({ id: i, name: 'item-' + i, tags: [i, i + 1] });
globalThis.workingSet = live; // held for the whole run
let ticks = +(process.argv[2] || 600);
let sink = 0;
function tick() {
  for (let k = 0; k < 200; k++) {
    const req = { url: '/items/' + k, headers: { a: 'x' + k }, body: [k, k, k] };
    sink += req.body.length;
  }
  if (--ticks > 0) setTimeout(tick, 5);
  else clearInterval(forcer);
}
const forcer = setInterval(() => global.gc(), 150);
console.log('forced-gc app started, working set of', live.length);
tick();
