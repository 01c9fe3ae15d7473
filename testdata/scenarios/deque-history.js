'use strict';
// Leak: the same history in a library's deque as ok-deque-history.js, but
// nothing ever takes runs out of it. The program's line is the push; the
// deque's own code stores the item.
const Deque = require('tiny-deque');
const { series } = require('./lib');

const runs = new Deque();

function recordRun(entry) {
  runs.push(entry);
}

let next = 0;
series(() => {
  for (let i = 0; i < 1500; i++) {
    recordRun({ id: next++, report: 'daily', rows: ('row ' + next + ' ').repeat(30) });
  }
});
