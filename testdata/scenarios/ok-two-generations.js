'use strict';
// No leak (control corpus): a page cache in a two-generation LRU
// (tiny-genlru, like ylru or hashlru). Each round renders more new pages
// than the cache's max, so the current generation's Map is replaced
// between snapshots, and each snapshot finds the new Map a little fuller
// than the last: a different, bigger Map in the same field every time,
// yet the cache never holds more than twice its max.
const { LRU } = require('tiny-genlru');
const { series } = require('./lib');

const pages = new LRU(1000);
let next = 0;

function render(id) {
  const url = '/articles/' + id;
  let html = pages.get(url);
  if (!html) {
    html = '<article>' + 'x'.repeat(900) + id + '</article>';
    pages.set(url, html);
  }
  return html.length;
}

series(() => {
  for (let i = 0; i < 2100; i++) render(next++);
});
