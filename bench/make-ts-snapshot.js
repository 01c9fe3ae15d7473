// Writes a heap snapshot of the TypeScript compiler holding a type-checked
// program: a real, large and irregular heap (ASTs, symbols, types, checker
// caches, closures over one 9 MB script), unlike make-snapshot.js's
// synthetic ones. Needs the typescript package (5.x) on NODE_PATH.
//   NODE_PATH=DIR/node_modules node --max-old-space-size=2048 bench/make-ts-snapshot.js OUT.heapsnapshot
'use strict';
const path = require('path');
const fs = require('fs');
const v8 = require('v8');
const inspector = require('inspector');
const ts = require('typescript');

const out = process.argv[2];
if (!out) {
  console.error('usage: make-ts-snapshot.js OUT.heapsnapshot');
  process.exit(2);
}

const t0 = Date.now();
// The code base is the compiler's own API declarations (typescript.d.ts)
// against every standard lib: real code that is always at hand, and a
// snapshot of ~130 MB. (Checking the 9 MB typescript.js itself with
// checkJs gives ~560 MB, too big for a quick row.)
const root = require.resolve('typescript');
const libDir = path.dirname(root);
const program = ts.createProgram([path.join(libDir, 'typescript.d.ts')], {
  noEmit: true,
  target: ts.ScriptTarget.ES2020,
  // webworker's libs redeclare DOM's globals: leave them out.
  lib: fs.readdirSync(libDir).filter((f) => /^lib\..+\.d\.ts$/.test(f) && !f.includes('webworker')),
  types: [], // no @types from wherever this runs: the same heap everywhere
});
const checker = program.getTypeChecker();
const diagnostics = ts.getPreEmitDiagnostics(program);
// Keep the program alive (as an editor or a watch build does) so the
// snapshot holds it, not just the compiler's module.
globalThis.tsHeap = { program, checker, diagnostics };
const t1 = Date.now();
console.error(`typescript ${ts.version}: checked typescript.d.ts ` +
  `(${program.getSourceFiles().length} files, ${diagnostics.length} diagnostics) in ${t1 - t0} ms`);

// Without line ends cached on typescript.js's Script, V8 finds each
// closure's line by scanning the 9 MB source from the start: the snapshot
// then takes minutes (over one here) instead of seconds. Debugger.enable
// caches them for every script, as `leakhound capture` does.
const session = new inspector.Session();
session.connect();
session.post('Debugger.enable');
session.post('Debugger.disable');
session.disconnect();

v8.writeHeapSnapshot(out);
const mb = fs.statSync(out).size / 1e6;
console.error(`wrote ${out}: ${mb.toFixed(0)} MB in ${Date.now() - t1} ms (${Date.now() - t0} ms in all)`);
