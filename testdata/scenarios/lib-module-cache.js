'use strict';
// Leak: a library's own module-level cache (tiny-format's formatters),
// fed a new key on every call: the program passes a per-request trace id
// in the options, and the library keys its cache by the whole options.
const { series } = require('./lib');
const { format } = require('tiny-format');

let traceSeq = 0;
function receiptLine(order) {
  const traceId = 't-' + (traceSeq++).toString(16);
  return format('Order {id}: {total} EUR', order, { locale: 'de-DE', traceId });
}

let next = 0;
series(() => {
  const out = [];
  for (let i = 0; i < 300; i++) out.push(receiptLine({ id: next++, total: (next % 97) + 0.5 }));
  return out.length;
});
