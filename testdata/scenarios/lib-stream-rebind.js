'use strict';
// Leak through an observable library (kefir-like): each client subscribes
// its bound method and unsubscribes with a second .bind(), another
// function, so the stream keeps every client.
const { Stream } = require('tiny-stream');
const { series } = require('./lib');

const announcements = new Stream();

class StreamClient {
  constructor(id) {
    this.id = id;
    this.sent = [];
    this.buffer = 'c'.repeat(400) + id;
  }
  push(event) {
    this.sent.push(event);
  }
  attach(source) {
    source.onValue(this.push.bind(this));
  }
  detach(source) {
    source.offValue(this.push.bind(this));
  }
}

let n = 0;
series(() => {
  for (let i = 0; i < 300; i++) {
    const c = new StreamClient(n++);
    c.attach(announcements);
    c.detach(announcements);
  }
  announcements.emit({ id: n });
});
