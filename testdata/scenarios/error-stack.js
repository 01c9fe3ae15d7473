'use strict';
// Keeps the validation error of each rejected import: an Error keeps its
// captured stack until .stack is read, and with it each frame's this, the
// whole ImportJob with its payload.
const { series } = require('./lib');

class ValidationError extends Error {}

class ImportJob {
  constructor(id, payload) {
    this.id = id;
    this.payload = payload;
  }
  validate() {
    if (!this.payload.startsWith('{"ok"')) return new ValidationError(`job ${this.id}: bad payload`);
    return null;
  }
}

const failures = new Map();
let n = 0;

series(() => {
  for (let i = 0; i < 40; i++) {
    const job = new ImportJob(n++, JSON.stringify({ bad: true, rows: Array.from({ length: 2000 }, (_, k) => k + n) }));
    const error = job.validate();
    if (error) failures.set(job.id, { at: Date.now(), error });
  }
});
