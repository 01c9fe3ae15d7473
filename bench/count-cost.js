'use strict';
// Measures what `watch --count CLASS` costs the target: Runtime.queryObjects
// walks the heap (after a full GC) while the program is paused.
// usage: node --max-old-space-size=4096 bench/count-cost.js [MILLION_OBJECTS=4]
const inspector = require('inspector');
class Order { constructor(i) { this.id = i; this.tags = [i]; } }
class Other { constructor(i) { this.x = i; } }
const n = Number(process.argv[2] || 4) * 1e6;
const keep = (globalThis.keep = []);
for (let i = 0; i < n; i++) keep.push(i % 10 === 0 ? new Order(i) : new Other(i));
const s = new inspector.Session();
s.connect();
const post = (m, p) => new Promise((res, rej) => s.post(m, p, (e, r) => (e ? rej(e) : res(r))));
(async () => {
  globalThis.Order = Order;
  await post('Runtime.enable', {});
  const used = process.memoryUsage().heapUsed;
  for (let run = 0; run < 3; run++) {
    const t0 = process.hrtime.bigint();
    const proto = await post('Runtime.evaluate', { expression: 'Order.prototype', objectGroup: 'g' });
    const objs = await post('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId, objectGroup: 'g' });
    const len = await post('Runtime.callFunctionOn', { functionDeclaration: 'function(){return this.length}', objectId: objs.objects.objectId, returnByValue: true });
    await post('Runtime.releaseObjectGroup', { objectGroup: 'g' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    console.log(`heap used ${(used / 2 ** 20).toFixed(0)} MiB, ${len.result.value} Order instances counted in ${ms.toFixed(0)} ms`);
  }
})();
