'use strict';
// An access log kept in one string: every request appends a line with +=,
// so the variable holds a new, longer (concatenated) string each time, a
// tree of cons strings thousands of pieces deep. The string's id changes
// at every snapshot; the variable that holds it does not.
const { series } = require('./lib');

let accessLog = '';
let next = 0;

function logRequest(i) {
  accessLog += `GET /items/${i} 200 ${(i * 37) % 1000}ms agent=test-client\n`;
}

series(() => {
  for (let k = 0; k < 2000; k++) logRequest(next++);
});
