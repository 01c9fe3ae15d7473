'use strict';
// Every job registers process.once('exit') to delete its temp file. The
// process does not exit, so the once() listeners (each keeping its
// TempFile) pile up: once() removes a listener only when the event fires.
const { series } = require('./lib');

process.setMaxListeners(0);

class TempFile {
  constructor(id) {
    this.path = '/tmp/export-' + id + '.csv';
    this.rows = Array.from({ length: 20 }, (_, k) => 'row,' + k + ',' + id);
  }
  remove() {}
}

function exportJob(id) {
  const tmp = new TempFile(id);
  process.once('exit', () => tmp.remove());
  return tmp.path;
}

let next = 0;
series(() => {
  for (let i = 0; i < 200; i++) exportJob(next++);
});
