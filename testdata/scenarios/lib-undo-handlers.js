'use strict';
// Leak through a library object's own handlers: each editing session
// makes an UndoManager on the shared document, which adds its handlers
// to the document's observers; close() takes the session's own listener
// off but never calls undo.destroy(), so every closed session stays
// (kept by its UndoManager's trackedOrigins). The document's item store
// grows a little too, under the same document: the observers are the
// leak, not the items.
const { Doc, UndoManager } = require('tiny-crdt');
const { series } = require('./lib');

const docs = new Map();

function open(name) {
  let entry = docs.get(name);
  if (!entry) {
    entry = { doc: new Doc(), sessions: new Set() };
    docs.set(name, entry);
  }
  return entry;
}

function evict(name) {
  const entry = docs.get(name);
  if (entry && entry.sessions.size === 0) {
    entry.doc.destroy();
    docs.delete(name);
  }
}

class EditSession {
  constructor(id, entry) {
    this.id = id;
    this.entry = entry;
    this.cursor = { line: 0, col: 0, who: 'user-' + id + '-'.repeat(200) };
    this.onPeerEdit = () => this.cursor.col++;
    this.entry.doc.on('peer-edit', this.onPeerEdit);
    this.undo = new UndoManager(entry.doc, { trackedOrigins: new Set([this]) });
    entry.sessions.add(this);
  }
  type(text) {
    this.entry.doc.insert(this, text);
  }
  close() {
    this.entry.doc.off('peer-edit', this.onPeerEdit);
    this.entry.sessions.delete(this);
  }
}

let n = 0;
// One reader stays on each document, so it is never evicted.
for (const name of ['notes', 'plan']) new EditSession(n++, open(name));
series(() => {
  for (let i = 0; i < 300; i++) {
    const s = new EditSession(n++, open(i % 2 ? 'notes' : 'plan'));
    s.type('x'.repeat(40) + i);
    s.close();
  }
  evict('scratch');
});
