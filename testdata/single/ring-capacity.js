'use strict';
// The last requests kept in a fixed-capacity ring from a package whose
// other class (an append-only Index, in its own file) also keeps `items`:
// the ring is full at the capacity the program gave it, and its adds and
// removals are the ring's own code, never the Index's push or clear().
const { Ring } = require('tiny-rings');
const { once } = require('./lib');

const RECENT_MAX = 3000;
const recent = new Ring(Array, RECENT_MAX);

function record(i) {
  recent.push({ id: i, path: '/orders/' + i, agent: 'x'.repeat(100) + i, at: Date.now() });
}

once(() => {
  for (let i = 0; i < 9000; i++) record(i);
});
