'use strict';
// An event history kept as a singly linked list whose head is never
// advanced: every event appends a node and none is ever unlinked.
const { series } = require('./lib');

class HistoryNode {
  constructor(ev) {
    this.ev = ev;
    this.next = null;
    this.note = 'n'.repeat(600) + ev.id;
  }
}

class History {
  constructor() { this.head = null; this.tail = null; }
  append(ev) {
    const n = new HistoryNode(ev);
    if (this.tail) this.tail.next = n; else this.head = n;
    this.tail = n;
  }
}

const history = new History();
let next = 0;
series(() => {
  for (let i = 0; i < 200; i++) history.append({ id: next++, kind: 'click' });
});
