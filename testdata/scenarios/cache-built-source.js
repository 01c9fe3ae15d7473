'use strict';
// Leak through a compile cache keyed by the hash of the source it is
// given: renderNotice() splices the banner into the frame's source before
// compiling, so each call hands compileSource() a new text, which compiles
// and is kept under a new key. renderSnippet() compiles fixed snippets.
const crypto = require('crypto');
const { series } = require('./lib');

const compiledBy = new Map(); // sha1 of source -> compiled function

function compileSource(sourceText) {
  const digest = crypto.createHash('sha1').update(sourceText).digest('hex');
  let fn = compiledBy.get(digest);
  if (!fn) {
    fn = new Function('data', 'return `' + sourceText.replace(/`/g, '\\`') + '`;');
    compiledBy.set(digest, fn);
  }
  return fn;
}

const FRAME = '<main><!--banner-->${data.body}</main>';
const SNIPPETS = ['<b>${data.body}</b>', '<i>${data.body}</i>'];

function renderNotice(user, body) {
  const frameText = FRAME.replace('<!--banner-->', '<p>Hello ' + user + '</p>');
  const frame = compileSource(frameText);
  return frame({ body });
}

function renderSnippet(i, body) {
  return compileSource(SNIPPETS[i % SNIPPETS.length])({ body });
}

let n = 0;
series(async () => {
  for (let i = 0; i < 40; i++) {
    n++;
    renderNotice('user' + n, 'text ' + n);
    renderSnippet(n, 'x');
  }
});
