'use strict';
// Keeps a short trace id cut out of each large log batch, as a Map key:
// each id is a sliced string that keeps its whole batch text alive.
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
    seen.set(id, { firstSeen: n });
  }
}

series(() => {
  for (let b = 0; b < 16; b++) remember(batch());
});
