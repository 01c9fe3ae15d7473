'use strict';
// Tracing with a table of open spans, the work run in a context callback
// (OpenTelemetry's context.with(ctx, async () => …)): publish() ends its
// span in a finally inside the callback, but the "unchanged" branch
// returns before that try, so those spans never end and stay in the table.
const { series } = require('./lib');

class TraceSpan {
  constructor(name, attributes, processor) {
    this.name = name;
    this.attributes = attributes;
    this.events = [];
    this.processor = processor;
    this.spanId = Math.random().toString(16).slice(2);
    processor.onStart(this);
  }
  addEvent(name, attrs) { this.events.push({ name, attrs }); }
  end() { this.processor.onEnd(this); }
}

const inFlightSpans = new Map();
const spanTable = {
  onStart(span) { inFlightSpans.set(span.spanId, span); },
  onEnd(span) { inFlightSpans.delete(span.spanId); },
};
const tracer = { startSpan: (name, attributes) => new TraceSpan(name, attributes, spanTable) };
const context = { with: (ctx, fn) => fn() };

const lastText = new Map();

async function publish(update) {
  const span = tracer.startSpan('update.publish', { id: update.id, title: 't'.repeat(100) });
  return context.with({ span }, async () => {
    const text = update.title + ':' + update.status;
    if (lastText.get(update.id) === text) {
      span.addEvent('unchanged', { id: update.id });
      return { skipped: true };
    }
    try {
      lastText.set(update.id, text);
      return { posted: true };
    } finally {
      span.end();
    }
  });
}

let n = 0;
series(async () => {
  for (let i = 0; i < 90; i++) {
    n++;
    await publish({ id: n % 30, title: 'incident ' + (n % 30), status: n % 60 < 30 ? 'open' : 'open' });
  }
});
