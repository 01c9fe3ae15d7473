'use strict';
// Invoices rendered with a template engine's cache on, keyed by a filename
// option that is also the per-invoice download name: every render compiles
// and caches a new template in the engine's own module.
const { series } = require('./lib');
const views = require('tiny-views');

const layout = '<h1>Invoice</h1><p>${locals.customer}</p><table>${locals.lines}</table>';

function renderInvoice(id) {
  return views.render(layout, {
    cache: true,
    filename: 'invoice-' + id + '.html',
    customer: 'customer ' + id,
    lines: '<tr><td>item</td></tr>'.repeat(5),
  });
}

let next = 0;
series(() => {
  for (let i = 0; i < 150; i++) renderInvoice(next++);
});
