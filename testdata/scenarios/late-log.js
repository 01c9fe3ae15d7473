'use strict';
// A debug log that starts filling only after the first snapshot's round
// began: the string is small (under 64 KiB) at the first snapshot and grows
// by += after it. leakhound must still follow its variable.
const { series } = require('./lib');

let debugLog = '';
let next = 0;

function debug(i) {
  debugLog += `debug: request ${i} took ${(i * 13) % 500}ms\n`;
}

series((round) => {
  if (round < 1) return; // warm-up rounds: nothing logged yet
  for (let k = 0; k < 250; k++) debug(next++);
});
