'use strict';
// Leak through a library: an editing session keeps its operations in a
// collection of an in-memory database, added per session and never
// removed when the session closes (the program calls no removeCollection).
const { Db } = require('tiny-docdb');
const { series } = require('./lib');

const db = new Db();
const open = new Map();

function openSession(id) {
  const ops = db.addCollection('ops_' + id);
  open.set(id, ops);
  return ops;
}

function closeSession(id) {
  open.delete(id);
}

let n = 0;
series(() => {
  for (let i = 0; i < 200; i++) {
    const id = n++;
    const ops = openSession(id);
    for (let k = 0; k < 5; k++) ops.insert({ seq: k, text: 'edit ' + k + ' '.repeat(100) });
    closeSession(id);
  }
});
