'use strict';
// Leak through the error path of a retried call: each failed attempt
// records the change in retrying; succeeded() takes it out, but when the
// retries run out the catch ends the work with giveUp(), which reads the
// entry for its report and leaves it in.
const { series } = require('./lib');

class RetryBook {
  constructor() {
    this.retrying = new Map();
    this.report = [];
  }

  failedAttempt(change, err) {
    let st = this.retrying.get(change.id);
    if (!st) {
      st = { change, errors: [] };
      this.retrying.set(change.id, st);
    }
    st.errors.push(err.message + ' '.repeat(200));
  }

  succeeded(change) {
    this.retrying.delete(change.id);
  }

  giveUp(change, err) {
    const st = this.retrying.get(change.id);
    this.report.push({ id: change.id, tries: st ? st.errors.length : 0, why: err.message });
    if (this.report.length > 50) this.report.shift();
  }
}

const book = new RetryBook();

async function attempt(change, n) {
  if (change.id % 4 === 0 || n < 2) throw new Error('503 from upstream for ' + change.id);
  return change.id;
}

async function sync(change) {
  try {
    let last;
    for (let n = 0; n < 3; n++) {
      try {
        return await attempt(change, n).then((r) => { book.succeeded(change); return r; });
      } catch (err) {
        last = err;
        book.failedAttempt(change, err);
      }
    }
    throw last;
  } catch (err) {
    book.giveUp(change, err);
  }
}

let n = 0;
series(async () => {
  for (let i = 0; i < 80; i++) await sync({ id: n++, body: 'x'.repeat(100) });
});
