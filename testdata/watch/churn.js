// Shared workload for leakhound watch tests: a service-like loop whose
// request objects live a few hundred milliseconds (a queue of in-flight
// work), long enough to be promoted to the old generation and die there, so
// a small heap (--max-old-space-size=48) sees a major GC every few hundred
// milliseconds and the leak signal gets enough major GCs in seconds.
// LEAK_BYTES_PER_TICK > 0 also keeps a part of every tick forever.
'use strict';
const leakPerTick = Number(process.env.LEAK_BYTES_PER_TICK || 0);
const perTick = Number(process.env.OBJECTS_PER_TICK || 400);
const inflightTicks = Number(process.env.INFLIGHT_TICKS || 60);
const ring = new Array(inflightTicks);
const leaked = [];
let seq = 0;
let ticks = 0;

function tick() {
  const batch = new Array(perTick);
  for (let i = 0; i < perTick; i++) {
    batch[i] = { id: seq++, payload: 'x'.repeat(32) + seq, headers: { a: seq, b: 'y' } };
  }
  ring[ticks++ % inflightTicks] = batch;
  if (leakPerTick > 0) {
    // ~100 bytes per object: a realistic "listener/closure kept in a list".
    for (let n = 0; n < leakPerTick; n += 100) leaked.push({ seq, note: 'kept ' + seq + ' ' + n });
  }
}
setInterval(tick, 5);
console.log('ready ' + process.pid);
