'use strict';
// Keeps a short trace id cut out of each large log batch, in a Map's
// values: each id is a sliced string that keeps its whole batch text
// alive. (As a Map key it would not on node 26, whose V8 internalizes a
// key it hashes: a thin string, pointing at a copy.)
const { series } = require('./lib');

const seen = new Map();
let n = 0;

function batch() {
  const lines = [];
  for (let i = 0; i < 300; i++) {
    lines.push(`{"ts":${n},"trace":"t${String(n++).padStart(30, '0')}","msg":"${'x'.repeat(240)}"}`);
  }
  return lines.join('\n');
}

function remember(text) {
  for (let at = text.indexOf('"trace"'), k = 0; at >= 0 && k < 5; at = text.indexOf('"trace"', at + 20000), k++) {
    const id = text.substring(at + 9, at + 40);
    seen.set(seen.size, { traceId: id, firstSeen: n });
  }
}

series(() => {
  for (let b = 0; b < 16; b++) remember(batch());
});
