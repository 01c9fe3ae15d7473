// Writes a progress dot to stdout without a newline before each batch of
// allocations, as a CLI's progress output does, so V8's GC lines (also on
// stdout) land after the dots on the same line.
const kept = [];
let ticks = +(process.argv[2] || 120);
function tick() {
  process.stdout.write('.');
  // 1000 kept a tick: well under the 24 MB old space the tests give it, on
  // every node (node 24 needs more heap for the same objects than 20).
  for (let k = 0; k < 1000; k++) kept.push({ k, s: 'p' + k });
  const churn = [];
  for (let k = 0; k < 20000; k++) churn.push({ k });
  if (--ticks > 0) setTimeout(tick, 2);
  else console.log(' done');
}
tick();
