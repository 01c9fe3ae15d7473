'use strict';
// Control: a cron job per editing session, stopped on every way a
// session ends (close() and sweep()): the timers come and go.
const { CronJob } = require('tiny-cron');
const { series } = require('./lib');

class EditSession {
  constructor(id) {
    this.id = id;
    this.lastSeen = 0;
    this.draft = 'd'.repeat(500) + id;
  }
  flush() {
    return this.draft.length;
  }
}

class SessionManager {
  constructor() {
    this.sessions = new Map();
  }

  open(id) {
    const session = new EditSession(id);
    session.autosave = CronJob.from({
      periodMs: 3600000 + id * 7,
      onTick: () => session.flush(),
      start: true,
    });
    this.sessions.set(id, session);
    return session;
  }

  close(id) {
    const session = this.sessions.get(id);
    if (!session) return;
    session.autosave.stop();
    this.sessions.delete(id);
  }

  sweep() {
    for (const [id, session] of this.sessions) {
      if (session.lastSeen > 0) continue;
      session.autosave.stop();
      this.sessions.delete(id);
    }
  }
}

const manager = new SessionManager();
let n = 0;
series(() => {
  for (let i = 0; i < 200; i++) manager.open(n++);
  manager.close(n - 1);
  manager.sweep();
}, { done: () => process.exit(0) });
