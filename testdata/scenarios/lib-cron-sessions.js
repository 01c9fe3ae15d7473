'use strict';
// Leak through a cron library's own timers: each editing session runs a
// job (a timer with a duration of its own); close() stops it, sweep()
// ends idle sessions without stopping theirs.
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
