'use strict';
// Request tracing that never forgets: every span stays in a Map, and a span
// is ended (an {t, name} event pushed on its own events array) one round
// after it started, so some events are new while their span is older than
// the first snapshot. The events and their numbers are part of the one
// Span leak, never suspects of their own, and a span's 1-element events
// array is no growing collection.
const { series } = require('./lib');

class Span {
  constructor(id) {
    this.id = id;
    this.events = [];
    this.tags = { service: 'orders', host: 'x'.repeat(100) + id };
  }
  end() { this.events.push({ t: Date.now() + Math.random(), name: 'end' }); }
}

const inflight = new Map();
let open = [];
let next = 0;

series(() => {
  for (const s of open) s.end();
  open = [];
  for (let i = 0; i < 300; i++) {
    const s = new Span('req-' + next++);
    inflight.set(s.id, s);
    open.push(s);
  }
});
