'use strict';
// No leak, but the last snapshot is written from inside a timer's callback,
// as a snapshot the inspector asks for lands when the program is busy. While
// a Timeout's callback runs, node takes it off its timer list and keeps it
// only in async_hooks' execution_async_resources array: that small array,
// the same object in every snapshot, suddenly retains the whole service.
// The earlier snapshots are written from an Immediate's callback, so the
// array has its backing store already. leakhound must report no suspect.
const { count, request, write, written } = require('./mid-callback-service');
const timer = setInterval(() => {
  for (let i = 0; i < 100; i++) request();
  if (written() === count - 1) {
    write(); // inside the Timeout's callback
    clearInterval(timer);
  } else {
    setImmediate(write);
  }
}, 5);
