#!/usr/bin/env node
'use strict';
// Runs the native binary with our arguments, standard streams and exit code.
const { spawnSync } = require('child_process');
const { binaryPath } = require('../lib/binary.js');

let bin;
try {
  bin = binaryPath();
} catch (e) {
  console.error(e.message);
  process.exit(2);
}
const r = spawnSync(bin, process.argv.slice(2), { stdio: 'inherit', windowsHide: true });
if (r.error) {
  console.error(`leakhound: cannot run ${bin}: ${r.error.message}`);
  process.exit(3);
}
if (r.signal) {
  // Die of the same signal, so a shell sees what happened (Ctrl-C: 130).
  process.kill(process.pid, r.signal);
}
process.exit(r.status === null ? 1 : r.status);
