// Prints DevTools' Statistics of a heap snapshot (the Summary view's pie
// chart: total, native, V8 heap and its parts) as one JSON line, computed
// by DevTools' own heap snapshot code as prepared by the devtools-oracle
// setup (its directory is the first argument).
//   node stats.mjs ORACLE_DIR FILE
import fs from 'fs';
import path from 'path';
import { pathToFileURL } from 'url';

if (!Promise.withResolvers) { // node < 22
  Promise.withResolvers = () => {
    let resolve, reject;
    const promise = new Promise((a, b) => { resolve = a; reject = b; });
    return { promise, resolve, reject };
  };
}
const [dir, file] = process.argv.slice(2);
const load = (p) => import(pathToFileURL(path.join(dir, p)).href);
const HS = await load('entrypoints/heap_snapshot_worker/HeapSnapshot.js');
const { HeapSnapshotLoader } = await load('entrypoints/heap_snapshot_worker/HeapSnapshotLoader.js');
const loader = new HeapSnapshotLoader({ sendEvent() {} });
const fd = fs.openSync(file, 'r');
const buf = Buffer.alloc(1 << 20);
for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0;) loader.write(buf.toString('utf8', 0, n));
loader.close();
const { port1, port2 } = new MessageChannel();
new HS.SecondaryInitManager(port2);
const snap = await loader.buildSnapshot(port1);
const st = snap.getStatistics();
fs.writeSync(1, JSON.stringify({
  total: st.total, native: st.native.total, typed_arrays: st.native.typedArrays, v8_heap: st.v8heap.total,
  code: st.v8heap.code, js_arrays: st.v8heap.jsArrays, strings: st.v8heap.strings, system: st.v8heap.system,
}) + '\n');
process.exit(0);
