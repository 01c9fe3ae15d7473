'use strict';
// The guide's case study, small: a TransactionProcessor whose 'response'
// listeners keep each RequestContext alive (leaky), and the fixed one.
const { EventEmitter } = require('events');

class RequestContext {
  constructor(tx) {
    this.tx = tx;
    this.payload = new Array(200).fill(tx.id);
  }
  handleResponse(data) { this.last = data; }
}

const eventBus = new EventEmitter();
eventBus.setMaxListeners(0);

function processLeaky(tx) {
  const context = new RequestContext(tx);
  eventBus.on('response', (data) => context.handleResponse(data));
  return Promise.resolve(context.tx.id);
}

function processFixed(tx) {
  const context = new RequestContext(tx);
  const handler = (data) => {
    context.handleResponse(data);
    eventBus.removeListener('response', handler);
  };
  eventBus.on('response', handler);
  eventBus.emit('response', { ok: true });
  return Promise.resolve(context.tx.id);
}

const generateMockRequest = (i) => ({ id: i, body: 'x'.repeat(32) });

module.exports = { processLeaky, processFixed, generateMockRequest };
