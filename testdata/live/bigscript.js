// Loads one big generated module, like a process that has loaded the
// TypeScript compiler: a multi-MB script with many functions whose closures
// stay alive. V8 needs each closure's line for the heap snapshot; without
// the script's line-end table it scans the source from the start for every
// one, which is what `Debugger.enable` before the snapshot avoids.
// argv[2]: number of functions (default 10000). Prints "ready".
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const n = Number(process.argv[2] || 10000);
const lines = ['"use strict";', 'const fns = [];'];
for (let i = 0; i < n; i++) {
  // ~200 bytes per function, one per line, like a compiled bundle.
  lines.push(`fns.push(function generated${i}(a, b) { const x = a * ${i} + b; const y = { k: x, s: "value-${i}" }; return y.k > ${i} ? y.s.length + x : x - ${i % 97}; });`);
}
lines.push('module.exports = fns;');
const file = path.join(os.tmpdir(), `leakhound-bigscript-${process.pid}.js`);
fs.writeFileSync(file, lines.join('\n'));
globalThis.generated = require(file);
fs.unlinkSync(file);
let sum = 0;
for (const f of globalThis.generated) sum += f(1, 2);
globalThis.sum = sum;
setInterval(() => {}, 1000);
console.log('ready ' + process.pid);
