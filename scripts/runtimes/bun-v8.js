// Run under Bun: writes a V8-format heap snapshot (Bun.generateHeapSnapshot("v8"))
// of a program that keeps 1000 Leaky objects, to the path in argv[2].
globalThis.kept = [];
class Leaky { constructor(i) { this.i = i; this.s = "item " + i; } }
for (let i = 0; i < 1000; i++) kept.push(new Leaky(i));
Bun.gc(true);
require("fs").writeFileSync(process.argv[2], Bun.generateHeapSnapshot("v8"));
