'use strict';
// A render cache of compiled template functions keyed by the filled-in
// template text: every call has a new key, so every call compiles and
// keeps one more function (as ejs's cache does when per-message data is
// substituted into the template before compiling).
const { series } = require('./lib');

const compiled = {};
let next = 0;

function render(key, data) {
  let fn = compiled[key];
  if (!fn) {
    const tpl = 'Dear customer, your order ' + key + ' has shipped. ' + '-'.repeat(150);
    fn = compiled[key] = function template(d) { return tpl + d.name; };
  }
  return fn(data);
}

series(() => {
  for (let i = 0; i < 1000; i++) render('order-' + next++, { name: 'x' });
});
