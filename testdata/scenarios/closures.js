'use strict';
// Callbacks registered in a module-level array and never unregistered: the
// same function's closures accumulate, each holding its request's data.
const { series } = require('./lib');

const handlers = [];
let next = 0;

function registerHandler(requestId) {
  const buffer = new Array(200).fill(requestId);
  handlers.push(function onData(chunk) {
    return buffer.length + chunk;
  });
}

series(() => {
  for (let i = 0; i < 300; i++) registerHandler(next++);
});
