// Element indexes past 2^31: a sparse array and objects with integer keys
// up to the largest array index. Node 22 writes such an element edge's
// index unsigned (4294967294), node 24 and later as a negative int32 (-2).
'use strict';
const writeSnapshot = require('./common');

const sparse = [];
sparse[2 ** 31] = 'past int32';
sparse[2 ** 32 - 2] = 'the largest array index';
sparse[7] = 'a small one';
const keyed = {};
for (const k of [2 ** 31 - 1, 2 ** 31, 3e9, 4294967294, 4294967295]) keyed[k] = { at: k };
const holes = new Array(100);
holes[99] = [1, 2, 3];
globalThis.kept = { sparse, keyed, holes };
writeSnapshot();
