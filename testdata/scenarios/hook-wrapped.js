'use strict';
// Leak through a hook wrapped per call: each audited query sets the shared
// driver's onQuery to a function that records the query and then calls the
// hook that was there before. The old hook is put back after the query
// runs, but not in a finally: a query that throws leaves its wrapper in
// place, and every later call wraps that one, so the wrappers form a
// chain that keeps each one's trail.
const { series } = require('./lib');

const driver = {
  onQuery: null,
  run(sql) {
    if (this.onQuery) this.onQuery(sql);
    if (sql.includes('DROP')) throw new Error('refused: ' + sql);
    return sql.length;
  },
};

function audited(user, sql) {
  const trail = [];
  const before = driver.onQuery;
  driver.onQuery = function recordQuery(text) {
    trail.push({ user, text, at: Date.now() });
    if (before) before(text);
  };
  const rows = driver.run(sql);
  driver.onQuery = before;
  return { rows, trail: trail.length };
}

let n = 0;
series(async () => {
  for (let i = 0; i < 40; i++) {
    n++;
    try {
      audited('user' + (n % 9), n % 4 === 0 ? 'DROP TABLE t' + n : 'SELECT * FROM orders WHERE id = ' + n);
    } catch {
      // refused statements are reported by the driver
    }
  }
});
