'use strict';
// A message consumer that starts a tracing span per message with
// AsyncLocalStorage.enterWith(): the new span's parent is the current
// store, the span before it, and the consumer's loop never leaves that
// context, so every span stays linked to the next one for good. What
// holds the chain is the one pending immediate that carries the store.
const { AsyncLocalStorage } = require('async_hooks');
const { series } = require('./lib');

const storage = new AsyncLocalStorage();

class Span {
  constructor(name, parent) {
    this.name = name;
    this.parent = parent;
    this.startedAt = Date.now();
    this.attributes = { 'messaging.system': 'ledger', 'messaging.operation': 'process', note: name + ' '.repeat(120) };
  }
}

function startSpan(name) {
  const span = new Span(name, storage.getStore());
  storage.enterWith(span);
  return span;
}

const queue = [];
let stopped = false;
let n = 0;
function pump() {
  while (queue.length) startSpan('handle ' + queue.shift());
  if (!stopped) setImmediate(pump);
}
storage.run(new Span('consumer', undefined), () => setImmediate(pump));

series(async () => {
  for (let i = 0; i < 300; i++) queue.push('message ' + n++);
  await new Promise((resolve) => setImmediate(resolve));
}, { done: () => { stopped = true; } });
