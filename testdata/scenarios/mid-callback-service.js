'use strict';
// The service of mid-callback.js and mid-callback-fresh.js: a Map of 500
// sessions, each request replacing one (steady, no leak), and write(),
// which writes the next of `count` snapshots into the folder argv names.
const v8 = require('v8');
const path = require('path');
const fs = require('fs');

const outDir = process.argv[2];
const count = Number(process.argv[3] || 3);
fs.mkdirSync(outDir, { recursive: true });

const sessions = new Map();
let n = 0;
function request() {
  const k = 'session-' + (n++ % 500);
  sessions.delete(k);
  sessions.set(k, { id: n, body: 'x'.repeat(200) + n });
}
for (let i = 0; i < 5000; i++) request();

let written = 0;
const write = () => v8.writeHeapSnapshot(path.join(outDir, `s${++written}.heapsnapshot`));

module.exports = { count, request, write, written: () => written };
