'use strict';
// Runs out of heap on purpose: once the file named by $GO_FILE exists, it
// keeps Orders in a Map until the heap limit (start node with
// --max-old-space-size=64). Each Order holds one array of 4096 numbers, so
// the heap fills fast with few objects and the snapshot node writes near
// the limit stays small.
const fs = require('fs');

class Order {
  constructor(id) {
    this.id = id;
    this.lines = new Array(4096).fill(id);
  }
}

const pendingOrders = new Map();
let next = 0;

function leak() {
  for (let k = 0; k < 40; k++) pendingOrders.set(next, new Order(next++));
  setTimeout(leak, 5);
}

// For `run --step fillHeap()`: fill the heap in one synchronous call.
globalThis.fillHeap = () => {
  for (;;) pendingOrders.set(next, new Order(next++));
};

const wait = setInterval(() => {
  if (process.env.GO_FILE && fs.existsSync(process.env.GO_FILE)) {
    clearInterval(wait);
    leak();
  }
}, 20);
console.log('ready');
