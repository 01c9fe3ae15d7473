'use strict';
// Leak: each batch subscribes a callback to a diagnostics_channel to
// sample the queries it runs, and unsubscribes it when the batch is done;
// a batch that fails throws from its catch before the unsubscribe, so its
// callback (and the batch it samples into) stays subscribed.
const dc = require('diagnostics_channel');
const { series } = require('./lib');

const queries = dc.channel('app:query');
let next = 0;

function runQuery(sql) {
  if (queries.hasSubscribers) queries.publish({ sql, ms: 1 });
}

function importBatch(rows) {
  const batch = { id: next++, rows, samples: [], note: 'b'.repeat(1500) };
  const onQuery = (msg) => {
    if (batch.samples.length < 10) batch.samples.push(msg.sql);
  };
  queries.subscribe(onQuery);
  try {
    for (const row of rows) {
      if (row < 0) throw new Error('bad row ' + row);
      runQuery('insert ' + row);
    }
  } catch (err) {
    throw new Error('batch ' + batch.id + ' failed: ' + err.message);
  }
  queries.unsubscribe(onQuery);
  return batch.samples.length;
}

series(() => {
  for (let i = 0; i < 100; i++) {
    try {
      importBatch(i % 4 === 0 ? [1, -1] : [1, 2, 3]);
    } catch {
      // the caller logs and moves on
    }
  }
});
