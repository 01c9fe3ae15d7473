// The TypeScript-heavy process: loads the TypeScript 5 compiler
// (a 9 MB script) and builds a Program over TypeScript's own lib .d.ts
// files, then waits. Needs the `typescript` package: run it with
// NODE_PATH pointing at a node_modules that has it (bench/capture-ts.sh
// installs one). Prints "ready".
'use strict';
const ts = require('typescript');
const path = require('path');
const fs = require('fs');
const libDir = path.dirname(require.resolve('typescript'));
const files = fs.readdirSync(libDir).filter((f) => f.startsWith('lib.') && f.endsWith('.d.ts')).map((f) => path.join(libDir, f));
const program = ts.createProgram(files, { noEmit: true, target: ts.ScriptTarget.ES2022 });
const checker = program.getTypeChecker();
let n = 0;
for (const sf of program.getSourceFiles()) ts.forEachChild(sf, (node) => { checker.getTypeAtLocation(node); n++; });
globalThis.program = program;
setInterval(() => {}, 1000);
console.log('ready ' + process.pid + ' ' + files.length + ' files, ' + n + ' nodes');
