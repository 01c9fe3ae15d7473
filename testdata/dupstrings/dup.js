'use strict';
// Keeps the same texts in many separate string objects, as a service does
// that parses the same JSON values per record: 3000 copies of one 200-byte
// status text, 500 of another, and 2000 distinct texts (no duplicates).
//   usage: node dup.js OUT.heapsnapshot
const v8 = require('v8');

const status = 'status: order accepted and queued for fulfilment; '.repeat(4);
const region = 'region=eu-west-1;zone=b;rack=17;'.repeat(2);
const held = [];
for (let i = 0; i < 3000; i++) held.push(Buffer.from(status).toString());
for (let i = 0; i < 500; i++) held.push(Buffer.from(region).toString());
const tail = 'x'.repeat(40);
for (let i = 0; i < 2000; i++) held.push('unique-' + i + '-' + tail);
globalThis.held = held;
v8.writeHeapSnapshot(process.argv[2]);
