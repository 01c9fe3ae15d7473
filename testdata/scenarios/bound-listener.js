'use strict';
// The guide's case study as its retaining path reads ("EventEmitter
// listeners -> bound processRequest -> RequestContext"): the listener is a
// bound function whose bound argument is the RequestContext.
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

function processRequest(context, data) {
  context.handleResponse(data);
}

class TransactionProcessor {
  constructor(eventBus) { this.eventBus = eventBus; }
  processTransaction(transaction) {
    const context = new RequestContext(transaction);
    // The leak: this listener is never removed.
    this.eventBus.on('response', processRequest.bind(this, context));
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
