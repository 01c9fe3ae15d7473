'use strict';
// Leak: a chat hub keeps every client in two places, its set of members
// and the member Set of each room it joined. leave() takes a client out of
// the members only, so the room Sets (a few rooms, bounded) keep every
// client that ever joined: the objects go into two collections and leave
// one.
const { EventEmitter } = require('events');
const { series } = require('./lib');

class Client extends EventEmitter {
  constructor(id) {
    super();
    this.id = id;
    this.inbox = [];
    this.profile = { name: 'client-' + id, bio: 'b'.repeat(300) };
  }
}

class Hub {
  constructor() {
    this.members = new Set();
    this.rooms = new Map(); // room name -> Set of clients
  }

  join(client, room) {
    this.members.add(client);
    let inRoom = this.rooms.get(room);
    if (!inRoom) {
      inRoom = new Set();
      this.rooms.set(room, inRoom);
    }
    inRoom.add(client);
  }

  leave(client) {
    this.members.delete(client);
    client.removeAllListeners();
  }
}

const hub = new Hub();
let next = 0;
series(() => {
  for (let i = 0; i < 600; i++) {
    const c = new Client(next++);
    hub.join(c, 'room-' + (next % 40));
    c.inbox.push('hello ' + c.id);
    hub.leave(c);
  }
});
