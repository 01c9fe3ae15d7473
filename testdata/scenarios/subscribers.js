'use strict';
// A price feed (a library's) keeps its subscribers in a list until they
// unsubscribe; each client session subscribes and never does, so every
// session (and its buffer) stays reachable from the feed after the client
// left.
const { series } = require('./lib');
const { Feed } = require('tiny-feed');

class ClientSession {
  constructor(id) {
    this.id = id;
    this.buffer = [];
    this.sub = feed.subscribe((price) => { if (this.buffer.length < 20) this.buffer.push(price); });
  }
  close() { /* forgets this.sub.unsubscribe() */ }
}

const feed = new Feed();
let next = 0;
series(() => {
  for (let i = 0; i < 200; i++) new ClientSession(next++).close();
  feed.publish(Math.random());
});
