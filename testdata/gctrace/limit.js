// Leaks toward its heap limit with slowing growth (run it with
// --max-old-space-size=40): each tick keeps fewer new objects than the one
// before, so the heap after each major GC rises along a curve that
// flattens near the limit instead of a straight line. Every major GC then
// frees little. A fixed amount of work, so a loaded machine changes the
// timing but not the shape.
const leaked = [];
const churn = new Map();
const ticks = +(process.argv[2] || 200);
let i = 0;
for (let t = 0; t < ticks; t++) {
  // 2000 kept objects at first, falling to about 140 by the end.
  const keep = Math.round(2000 * Math.pow(0.07, t / ticks));
  for (let k = 0; k < 3000; k++) {
    const v = { id: i, s: 'v' + i, pad: new Array(8).fill(i) };
    churn.set(i, v);
    churn.delete(i - 5000);
    if (k < keep) leaked.push(v);
    i++;
  }
}
// Still reachable when the script ends, so a GC after it frees none of it.
globalThis.leaked = leaked;
console.log('kept', leaked.length);
