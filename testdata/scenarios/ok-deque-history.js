'use strict';
// No leak (control corpus): a history of report runs kept in a library's
// deque and trimmed through the deque's own length and shift() once it
// passes a constant (8,000 entries). Three snapshots see it still filling
// (4,500, 6,000, 7,500 entries, after two rounds of warm-up), in an array
// of 8,192 slots, more than the bound: only the program's trim tells a
// full history from a leak, and it counts entries, not slots.
const Deque = require('tiny-deque');
const { series } = require('./lib');

const MAX = 8000;
const runs = new Deque();

function recordRun(entry) {
  runs.push(entry);
  while (runs.length > MAX) runs.shift();
}

let next = 0;
series(() => {
  for (let i = 0; i < 1500; i++) {
    recordRun({ id: next++, report: 'daily', rows: ('row ' + next + ' ').repeat(30) });
  }
});
