'use strict';
// Leak: a tiny emitter (the shape of nanoevents) keeps its callbacks in a
// plain table of Arrays, one per event. Each connection subscribes with
// on(), which returns the function that unsubscribes; nobody calls it.
const { series } = require('./lib');

function createBus() {
  return {
    events: {},
    emit(event, ...args) {
      for (const cb of this.events[event] || []) cb(...args);
    },
    on(event, cb) {
      (this.events[event] ||= []).push(cb);
      return () => {
        this.events[event] = (this.events[event] || []).filter((i) => i !== cb);
      };
    },
  };
}

class Connection {
  constructor(id) {
    this.id = id;
    this.buffer = Buffer.alloc(256);
  }
  send(msg) { this.buffer.write(String(msg)); }
}

const bus = createBus();
let next = 0;

function connect() {
  const conn = new Connection(next++);
  bus.on('presence', (who) => conn.send(who));
  bus.on('typing', (who) => conn.send(who));
  return conn;
}

series(() => {
  for (let i = 0; i < 300; i++) connect(); // each closes without unbinding
  bus.emit('presence', 'u1');
});
