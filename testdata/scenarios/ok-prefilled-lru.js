'use strict';
// No leak (control corpus): an LRU kept in parallel arrays made at their
// full length (new Array(max).fill(undefined), as lru.min does), filling
// toward its 3,000 slots. What the slots hold grows at every snapshot, but
// the arrays' length does not: they can never hold more.
const { series } = require('./lib');

function createLRU(max) {
  const keyList = new Array(max).fill(undefined);
  const valList = new Array(max).fill(undefined);
  const keyMap = new Map();
  let size = 0;
  return {
    set(key, value) {
      let i = keyMap.get(key);
      if (i === undefined) {
        i = size < max ? size++ : (keyMap.delete(keyList[0]), 0);
        keyMap.set(key, i);
      }
      keyList[i] = key;
      valList[i] = value;
    },
  };
}

const cache = createLRU(3000);
let next = 0;
series(() => {
  for (let i = 0; i < 400; i++) {
    const k = 'q' + next++;
    cache.set(k, { query: k, hits: [next, next + 1], text: 'r'.repeat(80) });
  }
});
