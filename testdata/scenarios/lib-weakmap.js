'use strict';
// A listener per request keeps the request's Connection alive; a library
// also keys a WeakMap by it. The WeakMap is not the leak (it cannot be
// bounded): the listener that keeps its keys alive is.
const { EventEmitter } = require('events');
const { series } = require('./lib');
const { track } = require('tiny-meta');

const shutdown = new EventEmitter();
shutdown.setMaxListeners(0);

class Connection {
  constructor(id) { this.id = id; }
}
function handle(id) {
  const conn = new Connection(id);
  track(conn);
  shutdown.on('drain', () => conn.id);
}
let next = 0;

series(() => {
  for (let i = 0; i < 200; i++) handle(next++);
});
