'use strict';
// Leak: recent events per room, trimmed against this.maxEvents. The
// option is read as history.maxEvents, but the configuration spells it
// max-events: maxEvents is undefined, a size is never greater than
// undefined, and the trim never runs.
const { series } = require('./lib');
const config = require('./config/trim-undefined.json');

class RoomHistory {
  constructor({ maxEvents }) {
    this.maxEvents = maxEvents;
    this.byRoom = new Map();
  }

  append(room, event) {
    let list = this.byRoom.get(room);
    if (!list) {
      list = [];
      this.byRoom.set(room, list);
    }
    list.push(event);
    if (list.length > this.maxEvents) list.splice(0, list.length - this.maxEvents);
  }
}

const history = new RoomHistory({ maxEvents: config.history.maxEvents });
let next = 0;
series(() => {
  for (let i = 0; i < 400; i++) {
    history.append('room-' + (i % 4), { seq: next++, body: 'event ' + next + ' ' + 'e'.repeat(120) });
  }
});
