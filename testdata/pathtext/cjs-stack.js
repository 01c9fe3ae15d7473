'use strict';
// A CommonJS module variable reached from a stack frame: the module's own
// async code writes the snapshot, so the module's scope is on the stack and
// no closure leads to it. The path still reads `module cjs-stack.js →
// registry → …`. Writes one snapshot to argv[2].
const v8 = require('v8');

class Widget { constructor(i) { this.i = i; } }
const registry = { widgets: [] };

async function main() {
  for (let i = 0; i < 10; i++) registry.widgets.push(new Widget(i));
  await new Promise((resolve) => setTimeout(resolve, 5));
  v8.writeHeapSnapshot(process.argv[2]);
  return registry.widgets.length;
}

main();
