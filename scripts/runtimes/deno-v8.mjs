// Run under Deno: writes a heap snapshot through node:v8 (Deno embeds V8) of
// a program that keeps 1000 Leaky objects, to the path in Deno.args[0].
import v8 from "node:v8";
globalThis.kept = [];
class Leaky { constructor(i) { this.i = i; this.s = "item " + i; } }
for (let i = 0; i < 1000; i++) kept.push(new Leaky(i));
v8.writeHeapSnapshot(Deno.args[0]);
