'use strict';
// Keeps a 16-byte slice (a message id) of every 16 KiB packet: each slice is
// a view that keeps its whole parent buffer alive.
const { series } = require('./lib');

const seenIds = [];
let next = 0;

function onPacket(pkt) {
  seenIds.push(pkt.subarray(0, 16));
}

series(() => {
  for (let i = 0; i < 100; i++) {
    const pkt = Buffer.alloc(16 * 1024);
    pkt.writeUInt32BE(next++, 0);
    onPacket(pkt);
  }
});
