'use strict';
// Leak through a memo keyed by an id and a revision: each edit bumps a
// snippet's revision, and the next view parses it again under the new key,
// while the parsed trees of its older revisions stay. Deleting a snippet
// drops all its keys; edits drop none.
const { series } = require('./lib');

const trees = new Map();
const snippets = new Map();

function parse(text) {
  return text.split('\n').map((line, i) => ({ line: i + 1, words: line.split(' '), raw: line }));
}

function view(id) {
  const s = snippets.get(id);
  const memoKey = `${s.id}@${s.rev}`;
  let tree = trees.get(memoKey);
  if (!tree) {
    tree = parse(s.body);
    trees.set(memoKey, tree);
  }
  return tree.length;
}

function edit(id) {
  const s = snippets.get(id);
  s.rev++;
  s.body += '\nedited at ' + s.rev;
}

function remove(id) {
  snippets.delete(id);
  for (const k of trees.keys()) if (k.startsWith(id + '@')) trees.delete(k);
}

for (let i = 0; i < 60; i++) snippets.set('s' + i, { id: 's' + i, rev: 1, body: 'hello world\n'.repeat(20) });

let n = 0;
series(async () => {
  for (let i = 0; i < 120; i++) {
    n++;
    const id = 's' + (n % 60);
    if (n % 2 === 0) edit(id);
    view(id);
  }
  if (n % 7 === 0) remove('gone');
});
