'use strict';
// Every request starts an async audit that awaits a "leader elected"
// promise that never settles: each call stays suspended at its await,
// keeping its AuditRecord. V8 shows the suspended call as a "Generator".
const { series } = require('./lib');

let resolveLeader; // the code that would call it was removed
const leaderElected = new Promise((resolve) => { resolveLeader = resolve; });

class AuditRecord {
  constructor(url) {
    this.url = url;
    this.body = 'a'.repeat(1000) + url;
  }
}

async function audit(rec) {
  await leaderElected;
  return rec.url;
}

let next = 0;
series(() => {
  for (let i = 0; i < 200; i++) audit(new AuditRecord('/req/' + next++));
});
