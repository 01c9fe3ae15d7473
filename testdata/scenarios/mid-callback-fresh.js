'use strict';
// No leak, but the last snapshot is written from inside the callback of a
// timer made after the first snapshot (a setTimeout chain, one new Timeout
// a round), as a snapshot the inspector asks for lands when the program is
// busy. While its callback runs, node keeps that Timeout only in
// async_hooks' execution_async_resources, where it dominates what the
// callback's closure keeps: in use now, not kept. The first snapshot is
// written at the top level, before any callback ran, so node's array has
// no backing store yet (as when watch's first snapshot lands on an idle
// program). leakhound must report no suspect.
const { count, request, write, written } = require('./mid-callback-service');
function round() {
  // A batch only this callback holds while it runs.
  const batch = Array.from({ length: 2000 }, (_, i) => ({ i, note: 'y'.repeat(60) + i }));
  for (let i = 0; i < 100; i++) request();
  if (written() === count - 1) {
    write(); // inside this Timeout's callback
    return batch.length;
  }
  setImmediate(write);
  if (written() < count) setTimeout(round, 5);
  return batch.length;
}
write(); // at the top level: no callback running
setTimeout(round, 5);
