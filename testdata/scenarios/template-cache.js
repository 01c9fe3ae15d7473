'use strict';
// A template engine that compiles templates with new Function and caches
// them by source, while the caller interpolates a user name into the source:
// every render compiles and caches a new function. The functions' code is
// in no script file; the cache Map (its keys and values) is the one leak.
const { series } = require('./lib');

const compiled = new Map();

function render(src, data) {
  let fn = compiled.get(src);
  if (!fn) {
    fn = new Function('d', 'return `' + src.replace(/\{\{(\w+)\}\}/g, '${d.$1}') + '`;');
    compiled.set(src, fn);
  }
  return fn(data);
}

let n = 0;
series(() => {
  for (let i = 0; i < 300; i++) {
    n++;
    render('<h1>Hello user' + n + '</h1><p>You have {{count}} messages</p>', { count: n });
  }
});
