'use strict';
// Leak through a key that differs between add and delete: apply() keeps an
// undo stack per client under session.clientId, and leave() deletes
// session.id, another field of the same session, so the delete finds
// nothing and every client's stack stays.
const crypto = require('crypto');
const { series } = require('./lib');

class Doc {
  constructor(id) {
    this.id = id;
    this.editors = new Set();
    this.undoStacks = new Map();
  }
}

const docs = new Map([['d1', new Doc('d1')], ['d2', new Doc('d2')]]);

function join(doc, session) {
  doc.editors.add(session.id);
}

function apply(doc, session, op) {
  let stack = doc.undoStacks.get(session.clientId);
  if (!stack) {
    stack = [];
    doc.undoStacks.set(session.clientId, stack);
  }
  stack.push({ op, at: Date.now(), text: 'e'.repeat(100) });
}

function leave(doc, session) {
  doc.editors.delete(session.id);
  doc.undoStacks.delete(session.id);
}

series(() => {
  for (let i = 0; i < 300; i++) {
    const doc = docs.get(i % 2 ? 'd1' : 'd2');
    const session = { id: crypto.randomUUID(), clientId: crypto.randomUUID() };
    join(doc, session);
    apply(doc, session, { insert: i });
    apply(doc, session, { insert: i + 1 });
    leave(doc, session);
  }
});
