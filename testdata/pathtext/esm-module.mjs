// An ES module's top-level variable holding the program's objects; the
// snapshot is written from a timer, so no frame of the module is on the
// stack. Writes one snapshot to argv[2].
import v8 from 'node:v8';

class Item { constructor(i) { this.i = i; } }
const items = [];
for (let i = 0; i < 10; i++) items.push(new Item(i));
export function count() { return items.length; } // items lives in the module's scope
setTimeout(v8.writeHeapSnapshot, 10, process.argv[2]);
