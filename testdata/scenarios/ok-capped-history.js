'use strict';
// No leak (control corpus): an audit history that the class trims once it
// passes its window (400 entries, the constructor's default). Three
// snapshots see it still filling (180, 240, 300 entries, after two rounds of warm-up): only the source
// tells it from a leak.
const { series } = require('./lib');

class AuditTrail {
  constructor(window = 400) {
    this.window = window;
    this.entries = [];
  }

  record(action, detail) {
    this.entries.push({ action, detail, at: new Date().toISOString() });
    if (this.entries.length > this.window) {
      this.entries.splice(0, this.entries.length - this.window);
    }
  }
}

const trail = new AuditTrail();
let next = 0;
series(() => {
  for (let i = 0; i < 60; i++) {
    trail.record('update', 'record ' + next++ + ' ' + 'x'.repeat(300));
  }
});
