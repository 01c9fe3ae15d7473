// Allocation stacks: a leak whose objects are created at known lines.
// remember() (line 10) creates each Session and keeps it in a module-level
// Map; handle() (line 16) calls it once per request. Tests assert that the
// suspect's allocation stack names remember, then handle.
'use strict';
class Session { constructor(id) { this.id = id; this.payload = 'p'.repeat(64) + id; } }
const sessions = new Map();
const seen = [];

function remember(id) {
  const s = new Session(id);
  sessions.set(id, s);
  seen.push({ id, at: Date.now() });
}

function handle(n) {
  for (let i = 0; i < n; i++) remember(globalThis.next = (globalThis.next || 0) + 1);
  return sessions.size;
}

globalThis.handle = handle;
setInterval(() => {}, 1 << 30);
