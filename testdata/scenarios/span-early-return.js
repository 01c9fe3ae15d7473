'use strict';
// Tracing with a table of open spans: a span leaves it when it ends. One
// handler returns early on invalid input without ending its span, so
// every rejected request's span stays, with its attributes. Another
// handler ends its span in a finally and is right.
const { series } = require('./lib');

class Span {
  constructor(name, attributes, processor) {
    this.name = name;
    this.attributes = attributes;
    this.events = [];
    this.processor = processor;
    this.id = Math.random().toString(16).slice(2);
    processor.onStart(this);
  }
  addEvent(name, attrs) { this.events.push({ name, attrs }); }
  end() { this.processor.onEnd(this); }
}

const open = new Map();
const processor = {
  onStart(span) { open.set(span.id, span); },
  onEnd(span) { open.delete(span.id); },
};
const tracer = { startSpan: (name, attributes) => new Span(name, attributes, processor) };

function estimate(req) {
  const span = tracer.startSpan('estimate', { url: req.url, agent: 'x'.repeat(120) });
  if (!req.valid) {
    span.addEvent('validation.failed', { url: req.url });
    return 400;
  }
  span.end();
  return 200;
}

function quote(req) {
  const span = tracer.startSpan('quote', { url: req.url });
  try {
    if (!req.valid) return 404;
    return 200;
  } finally {
    span.end();
  }
}

let next = 0;
series(() => {
  for (let i = 0; i < 300; i++) {
    const req = { url: '/estimate?id=' + next++, valid: i % 3 !== 0 };
    estimate(req);
    quote(req);
  }
});
