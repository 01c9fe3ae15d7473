'use strict';
// Upload sessions: the program's record, holding node's Hash and Gzip, is
// what leaks (aborted ones are only marked), not a typed array inside the
// Gzip.
const crypto = require('crypto');
const zlib = require('zlib');
const { series } = require('./lib');

const sessions = new Map();
let next = 0;

function open() {
  const id = 'u' + next++;
  const session = { id, state: 'open', hash: crypto.createHash('sha256'), gzip: zlib.createGzip(), compressed: [] };
  session.gzip.on('data', (c) => session.compressed.push(c));
  sessions.set(id, session);
  return session;
}

function complete(session) {
  session.gzip.close();
  sessions.delete(session.id);
}

function abort(session) {
  session.state = 'aborted';
  session.gzip.close();
}

series(() => {
  for (let i = 0; i < 60; i++) {
    const s = open();
    s.hash.update('part ' + i);
    if (i % 3 === 0) abort(s);
    else complete(s);
  }
});
