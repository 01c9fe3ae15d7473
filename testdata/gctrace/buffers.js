// Leak outside the JavaScript heap: every tick keeps a 64 KiB Buffer (its
// memory is external, the heap holds only a small object per Buffer) and
// makes short-lived objects, so scavenges run and --trace-gc-verbose
// reports external memory after each.
const kept = [];
let ticks = +(process.argv[2] || 300);
function tick() {
  kept.push(Buffer.alloc(64 * 1024, ticks & 0xff));
  let junk = [];
  for (let k = 0; k < 4000; k++) junk.push({ k, s: 'x' + k });
  junk = null;
  if (--ticks > 0) setTimeout(tick, 5);
}
console.log('buffers app started');
tick();
