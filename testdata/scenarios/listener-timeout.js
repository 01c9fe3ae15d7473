'use strict';
// Leak: a pool hands each task to a worker (an EventEmitter here) and
// waits for its 'message'. The listener takes itself out when its answer
// comes; the timer that gives up waiting rejects without taking it out,
// so every task that times out leaves its listener, and the listener's
// scope keeps the task's payload and its (fired) timer.
const { EventEmitter } = require('events');
const { series } = require('./lib');

const worker = new EventEmitter();
worker.setMaxListeners(0);
let next = 0;

function run(payload) {
  return new Promise((resolve, reject) => {
    const id = next++;
    const onMessage = (msg) => {
      if (msg.id !== id) return;
      worker.off('message', onMessage);
      clearTimeout(timer);
      resolve(msg.result + payload.text.length);
    };
    const timer = setTimeout(() => {
      reject(new Error('task ' + id + ' timed out'));
    }, 1);
    worker.on('message', onMessage);
    if (id % 4 !== 0) setImmediate(() => worker.emit('message', { id, result: 1 }));
  });
}

series(async () => {
  const tasks = [];
  for (let i = 0; i < 200; i++) tasks.push(run({ text: 'p'.repeat(2000) + i }).catch(() => 0));
  await Promise.all(tasks);
});
