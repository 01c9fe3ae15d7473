'use strict';
// Loaded lazily by ok-lazy-require.js: a module with a table built at load.
const table = new Map();
for (let i = 0; i < 3000; i++) table.set('code-' + i, { code: i, text: 'message number ' + i });
module.exports = { lookup: (k) => table.get(k) };
