'use strict';
// A plain object used as a dictionary of sessions, keyed by session id;
// sessions are added on login and never deleted.
const { series } = require('./lib');

class Session {
  constructor(id) {
    this.id = id;
    this.user = 'user-' + id;
    this.scratch = new Array(100).fill(id);
  }
}

const sessions = {};
let next = 0;

series(() => {
  for (let i = 0; i < 400; i++) {
    const id = 'sess-' + (next++).toString(36);
    sessions[id] = new Session(id);
  }
});
