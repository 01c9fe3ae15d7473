'use strict';
// A consumer that took events.on()'s async iterator, read one event and
// stopped: node buffers every later event in the iterator's queue.
const { series } = require('./lib');
const { EventEmitter, on } = require('events');

class Reading {
  constructor(i) { this.i = i; this.values = { cpu: Math.random(), mem: Math.random() }; }
}

const bus = new EventEmitter();
const iter = on(bus, 'reading');
const consumer = { iter, first: iter.next() }; // never read again
let i = 0;
series(() => {
  for (let k = 0; k < 500; k++) bus.emit('reading', new Reading(++i));
}, { done: () => consumer });
