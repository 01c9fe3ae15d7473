'use strict';
// User timing per request: one handler measures each query and reads its
// duration but never clears the measure, so node's performance timeline
// keeps every entry with its detail. A second handler measures too and
// clears both its mark and its measure: not the line to change.
const { performance } = require('perf_hooks');
const { series } = require('./lib');

let next = 0;

function timedQuery(id) {
  const start = `q:${id}:start`;
  performance.mark(start);
  const rows = Array.from({ length: 20 }, (_, i) => i * id);
  const m = performance.measure(`query:${id}`, { start, detail: { id, rows: rows.length, sql: 'select * from t where id = ' + id } });
  performance.clearMarks(start);
  return m.duration;
}

function timedRender(id) {
  performance.mark(`render:${id}`);
  const html = '<p>' + id + '</p>';
  performance.measure(`render:${id}`, `render:${id}`);
  performance.clearMarks(`render:${id}`);
  performance.clearMeasures(`render:${id}`);
  return html.length;
}

series(() => {
  for (let i = 0; i < 400; i++) {
    timedQuery(next);
    timedRender(next);
    next++;
  }
});
