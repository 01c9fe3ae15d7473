// An ES module whose global appears only after a top-level await, long
// after node's event loop started: run's first --step must wait for it.
await new Promise((r) => setTimeout(r, 400));
const kept = [];
globalThis.handle = () => kept.push({ at: kept.length });
setInterval(() => {}, 1000);
