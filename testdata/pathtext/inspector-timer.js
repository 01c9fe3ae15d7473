'use strict';
// Writes a snapshot taken over the inspector protocol (as `leakhound run`
// and DevTools take them, which name the global object "global / <url>")
// while a 60 s timer is pending (node keeps it in timerListMap[60000]).
//
// usage: node inspector-timer.js OUT.heapsnapshot
const inspector = require('inspector');
const fs = require('fs');

class Delivery {
  constructor() { this.url = 'https://hooks.example.com/1'; }
}
const d = new Delivery();
setTimeout(() => d.url, 60000).unref();

const session = new inspector.Session();
session.connect();
const chunks = [];
session.on('HeapProfiler.addHeapSnapshotChunk', (m) => chunks.push(m.params.chunk));
session.post('HeapProfiler.takeHeapSnapshot', null, (err) => {
  if (err) throw err;
  fs.writeFileSync(process.argv[2], chunks.join(''));
  session.disconnect();
  process.exit(0);
});
