'use strict';
// Leak: a recent-messages list whose trim only runs for errors, so it
// never runs for the info messages that fill it. The trim and its bound
// (MAX_RECENT = 200) are in the source; the list holds more than that.
const { series } = require('./lib');

const MAX_RECENT = 200;

class MessageLog {
  constructor() {
    this.recent = [];
  }

  add(level, text) {
    this.recent.push({ level, text, at: Date.now() });
    if (level === 'error' && this.recent.length > MAX_RECENT) this.recent.shift();
  }
}

const log = new MessageLog();
let next = 0;
series(() => {
  for (let i = 0; i < 300; i++) {
    log.add('info', 'message ' + next++ + ' ' + 'y'.repeat(200));
  }
});
