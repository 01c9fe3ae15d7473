'use strict';
// No leak (control corpus): modules required for the first time mid-run
// (node's zlib, url and querystring and a module of the program's own that
// builds a table when loaded), between the first and second snapshots, and
// then used without growing.
const { series } = require('./lib');

let round = 0;
let helper = null;
let zlib = null;
const sizes = [];

series(() => {
  round++;
  if (round === 3) {
    zlib = require('zlib');
    require('url');
    require('querystring');
    helper = require('./ok-lazy-helper');
  }
  let n = 0;
  for (let i = 0; i < 500; i++) {
    if (helper) n += helper.lookup('code-' + (i % 3000)).code;
    if (zlib && i % 50 === 0) n += zlib.deflateSync(Buffer.from('payload ' + i)).length;
  }
  sizes[0] = n;
}, { warmup: 1 });
