// Leaky: same churn as healthy.js, but every 10th entry is also pushed onto
// a module-level array that is never trimmed.
const cache = new Map();
// On globalThis, not only in this module's scope: once the last tick has
// run, no timer holds the module's closure, and a GC after it (more likely
// on a loaded machine) would free the whole module, "leak" included.
const leaked = (globalThis.leaked = []);
// A fixed amount of work (not a duration) so a loaded machine changes the
// timing but not how many GCs V8 runs.
let ticks = +(process.argv[2] || 300);
let i = 0;
function tick() {
  for (let k = 0; k < 1000; k++) {
    const v = { id: i, s: 'v' + i, pad: new Array(8).fill(i) };
    cache.set(i, v);
    cache.delete(i - 10000);
    if (i % 10 === 0) leaked.push(v);
    i++;
  }
  if (--ticks > 0) setTimeout(tick, 5);
}
console.log('leaky app started');
tick();
