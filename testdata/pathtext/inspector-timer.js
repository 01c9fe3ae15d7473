'use strict';
// Writes a snapshot taken over the inspector protocol (as `leakhound run`
// and DevTools take them, which name the global object "global / <url>")
// while a 60 s timer is pending (node keeps it in timerListMap[60000]).
// A module-level variable's paths read `module inspector-timer.js → …`
// (TestPathTextOfCommonJSModuleVariable).
//
// usage: node inspector-timer.js OUT.heapsnapshot
const inspector = require('inspector');
const fs = require('fs');

class Delivery {
  constructor() { this.url = 'https://hooks.example.com/1'; }
}
// Inside a function, so the timer's callback is the only way to the
// Delivery (a module-level variable would read `module … → d`).
function schedule() {
  const d = new Delivery();
  setTimeout(() => d.url, 60000).unref();
}
schedule();

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
