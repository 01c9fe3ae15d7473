'use strict';
// One session per user (60 users, so the Map is bounded), each keeping
// every turn of its conversation in a history array nobody cuts.
const { series } = require('./lib');

class ChatTurn {
  constructor(role, text) {
    this.role = role;
    this.text = text;
    this.at = Date.now();
  }
}

class Session {
  constructor(user) {
    this.user = user;
    this.history = [];
  }
  append(turn) {
    this.history.push(turn);
  }
}

const sessions = new Map();
let next = 0;
series(() => {
  for (let i = 0; i < 600; i++) {
    const user = 'u' + (i % 60);
    let s = sessions.get(user);
    if (!s) {
      s = new Session(user);
      sessions.set(user, s);
    }
    s.append(new ChatTurn(i % 2 ? 'assistant' : 'user', 'turn ' + next++ + ' ' + 'w'.repeat(200)));
  }
});
