'use strict';
// Quotes run as actors of a state-machine library (a stand-in for xstate):
// each is started, which arms its 30-minute expiry timer, and only its
// snapshot is kept; the actor is never stopped, so the library's timer
// keeps it and its context. The fix is the actor's own stop().
const { series } = require('./lib');
const { Actor } = require('tiny-actor');

class QuoteContext {
  constructor(id) {
    this.id = id;
    this.lines = Array.from({ length: 20 }, (_, i) => ({ sku: 'sku-' + id + '-' + i, qty: i }));
  }
}
const snapshots = [];
let next = 0;

function createQuote() {
  const actor = new Actor(new QuoteContext(next++));
  actor.start();
  snapshots.length = 0; // only the latest is kept
  snapshots.push(actor.snapshot());
}

series(() => {
  for (let i = 0; i < 300; i++) createQuote();
}, { done: () => process.exit(0) });
