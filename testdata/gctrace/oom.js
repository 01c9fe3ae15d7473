// Runs out of heap on purpose (run it with a small --max-old-space-size):
// V8 then prints "<--- Last few GCs --->", repeating GC lines it already
// printed, and "FATAL ERROR: ... JavaScript heap out of memory".
const keep = [];
function tick() {
  for (let k = 0; k < 20000; k++) keep.push({ k, s: 'x' + k });
  setImmediate(tick);
}
tick();
