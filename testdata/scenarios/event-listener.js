'use strict';
// The guide's case study: every transaction adds a 'response' listener to a
// shared EventEmitter and never removes it; the listener's closure keeps the
// RequestContext (and its payload) alive.
const { EventEmitter } = require('events');
const { series } = require('./lib');

class RequestContext {
  constructor(transaction) {
    this.transaction = transaction;
    this.startedAt = Date.now();
    this.payload = new Array(256).fill(transaction.id);
  }
  handleResponse(data) { this.response = data; }
  startProcessing() { return this.transaction.id; }
}

class TransactionProcessor {
  constructor(eventBus) { this.eventBus = eventBus; }
  processTransaction(transaction) {
    const context = new RequestContext(transaction);
    // The leak: this listener is never removed.
    this.eventBus.on('response', (data) => {
      context.handleResponse(data);
    });
    return context.startProcessing();
  }
}

const eventBus = new EventEmitter();
eventBus.setMaxListeners(0);
const processor = new TransactionProcessor(eventBus);
let next = 0;

series(() => {
  for (let i = 0; i < 300; i++) processor.processTransaction({ id: next++, amount: i });
});
