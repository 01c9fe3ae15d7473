'use strict';
// Pending promises piling up: every request waits on a shared "ready"
// promise that never settles, so each request's reaction (and the request
// state its callback closes over) stays queued forever.
const { series } = require('./lib');

class PendingRequest {
  constructor(id) {
    this.id = id;
    this.body = new Array(150).fill(id);
  }
}

let markReady;
const ready = new Promise((resolve) => { markReady = resolve; });
let next = 0;

function handle(id) {
  const req = new PendingRequest(id);
  ready.then(() => req.body.length);
}

series(() => {
  for (let i = 0; i < 300; i++) handle(next++);
});
module.exports = { markReady };
