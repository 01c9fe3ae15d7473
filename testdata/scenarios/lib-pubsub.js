'use strict';
// Leak through a library: each live-feed client subscribes a callback to
// a topic of a pub/sub library and nothing ever unsubscribes it, so the
// library's table keeps every callback and the client state it captures.
const PubSub = require('tiny-pubsub');
const { series } = require('./lib');

class FeedClient {
  constructor(id, account) {
    this.id = id;
    this.account = account;
    this.sent = [];
    this.buffer = 'x'.repeat(400) + id;
  }
}

function connect(id) {
  const client = new FeedClient(id, 'acc_' + (id % 20));
  const token = PubSub.subscribe('orders.' + client.account, (topic, event) => {
    client.sent.push(event.id);
  });
  client.token = token;
  return client;
}

let n = 0;
series(() => {
  for (let i = 0; i < 300; i++) connect(n++);
  PubSub.publish('orders.acc_1', { id: n });
});
