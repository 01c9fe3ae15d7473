// Healthy: a bounded cache whose entries live long enough to be promoted,
// then die in old space, so major GCs run and free what they find.
const cache = new Map();
// A fixed amount of work (not a duration) so a loaded machine changes the
// timing but not how many GCs V8 runs.
let ticks = +(process.argv[2] || 300);
let i = 0;
function tick() {
  for (let k = 0; k < 1000; k++) {
    cache.set(i, { id: i, s: 'v' + i, pad: new Array(8).fill(i) });
    cache.delete(i - 10000);
    i++;
  }
  if (--ticks > 0) setTimeout(tick, 5);
}
console.log('healthy app started');
tick();
