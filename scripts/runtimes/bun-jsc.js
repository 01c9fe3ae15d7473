// Run under Bun: writes Bun's default heap snapshot, JavaScriptCore's format
// (Bun.generateHeapSnapshot() with no argument), which leakhound refuses.
globalThis.kept = [];
for (let i = 0; i < 100; i++) kept.push({ i });
require("fs").writeFileSync(process.argv[2], JSON.stringify(Bun.generateHeapSnapshot()));
