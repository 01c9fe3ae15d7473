'use strict';
// Indexes 32-byte digests read out of 128 KiB blocks: each digest kept is a
// subarray, a view that keeps its whole block's memory alive.
const { series } = require('./lib');

const byDigest = new Map();
let n = 0;

function indexBlock(block) {
  for (let off = 0; off + 32 <= block.length; off += 16 * 1024) {
    const digest = block.subarray(off, off + 32);
    byDigest.set(digest.toString('hex'), { digest, block: n });
  }
}

series(() => {
  for (let b = 0; b < 10; b++) {
    const block = Buffer.alloc(128 * 1024);
    for (let off = 0; off < block.length; off += 16 * 1024) block.writeUInt32BE(n++, off);
    indexBlock(block);
  }
});
