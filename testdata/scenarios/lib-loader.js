'use strict';
// A loader kept at module level (mimics dataloader): its per-key cache of
// fulfilled promises lives forever. Settled promises are values: a
// collection leak, not promises waiting.
const { series } = require('./lib');
const DataLoader = require('dataloader');

class Account {
  constructor(id) {
    this.id = id;
    this.tags = Array.from({ length: 30 }, (_, i) => 'tag-' + id + '-' + i);
  }
}
const accountLoader = new DataLoader(async (ids) => ids.map((id) => new Account(id)));
let next = 0;

series(async () => {
  const all = [];
  for (let i = 0; i < 200; i++) all.push(accountLoader.load('a' + next++));
  await Promise.all(all);
});
