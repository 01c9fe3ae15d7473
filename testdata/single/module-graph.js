'use strict';
// Big legitimate state: a loaded module graph. Writes 300 small modules to
// a temporary folder, requires them all and most of node's own modules.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { once } = require('./lib');

once(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakhound-modules-'));
  for (let i = 0; i < 300; i++) {
    const body = [];
    for (let f = 0; f < 20; f++) body.push(`exports.fn${f} = function fn${f}(x) { return x * ${f} + ${i}; };`);
    fs.writeFileSync(path.join(dir, `m${i}.js`), body.join('\n'));
  }
  const loaded = [];
  for (let i = 0; i < 300; i++) loaded.push(require(path.join(dir, `m${i}.js`)));
  for (const m of ['http', 'https', 'crypto', 'zlib', 'stream', 'url', 'util', 'net', 'tls', 'dns', 'child_process', 'worker_threads']) require(m);
  fs.rmSync(dir, { recursive: true, force: true });
  globalThis.loaded = loaded;
});
