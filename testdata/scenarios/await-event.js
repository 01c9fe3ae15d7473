'use strict';
// Each render waits for its own 'rendered:<id>' event with events.once();
// the worker emits it when rendering succeeds, and only logs a failure.
// The renders that failed wait forever: node's once() listeners stay on
// the emitter and each suspended render keeps its page.
const { EventEmitter, once } = require('events');
const { series, tick } = require('./lib');

const pages = new EventEmitter();
pages.setMaxListeners(0);
let n = 0;
let failures = 0;

async function render(id) {
  const page = { id, html: Array.from({ length: 1500 }, (_, i) => `<li>${id}:${i}</li>`).join('') };
  pages.emit('work', id);
  await once(pages, `rendered:${id}`);
  return page.html.length;
}

pages.on('work', (id) => {
  setImmediate(() => {
    try {
      if (id % 3 === 0) throw new Error('template missing');
      pages.emit(`rendered:${id}`);
    } catch (err) {
      failures++;
    }
  });
});

series(async () => {
  for (let i = 0; i < 60; i++) render(n++);
  await tick();
});
