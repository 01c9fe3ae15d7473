#!/usr/bin/env node
'use strict';
// Runs the native binary with our arguments, standard streams and exit code.
const { spawn } = require('child_process');
const { binaryPath } = require('../lib/binary.js');

let bin;
try {
  bin = binaryPath();
} catch (e) {
  console.error(e.message);
  process.exit(2);
}
const child = spawn(bin, process.argv.slice(2), { stdio: 'inherit', windowsHide: true });
// Ctrl-C reaches the whole process group: the binary handles it (watch and
// sample finish their report and exit 0), so this wrapper must not die of
// it first. A SIGTERM sent to the wrapper alone (a process manager) is
// passed on.
const ignore = () => {};
const forward = () => child.kill('SIGTERM');
process.on('SIGINT', ignore);
process.on('SIGTERM', forward);
child.on('error', (err) => {
  console.error(`leakhound: cannot run ${bin}: ${err.message}`);
  process.exit(3);
});
child.on('exit', (code, signal) => {
  process.off('SIGINT', ignore);
  process.off('SIGTERM', forward);
  if (signal) {
    // Die of the same signal, so a shell sees what happened.
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code === null ? 1 : code);
});
