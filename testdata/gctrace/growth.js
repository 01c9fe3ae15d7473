// Leaks fast for a short time: each tick keeps about 1 MB more, so V8 runs
// only a few major GCs, each leaving a much larger heap than the last.
const kept = (globalThis.kept = []); // held after the last tick too (see leak.js)
let ticks = +(process.argv[2] || 80);
function tick() {
  for (let k = 0; k < 10000; k++) kept.push({ k, s: 'g' + k + '-' + ticks });
  if (--ticks > 0) setTimeout(tick, 1);
}
tick();
