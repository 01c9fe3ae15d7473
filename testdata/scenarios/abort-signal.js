'use strict';
// Every upstream call registers an 'abort' listener on one app-wide
// AbortSignal (a web EventTarget, not an EventEmitter) and never removes it.
const { series } = require('./lib');

const shutdown = new AbortController();
let next = 0;

class UpstreamCall {
  constructor(id) {
    this.id = id;
    this.payload = 'u'.repeat(1000) + id;
  }
  start() {
    shutdown.signal.addEventListener('abort', this.cancel.bind(this));
    return this;
  }
  cancel() {
    this.cancelled = true;
  }
}

series(() => {
  for (let i = 0; i < 200; i++) new UpstreamCall(next++).start();
});
