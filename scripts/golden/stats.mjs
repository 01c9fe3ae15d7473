// Prints DevTools' Statistics of a heap snapshot (the Summary view's pie
// chart: total, native, V8 heap and its parts) as one JSON line, computed
// by DevTools' own heap snapshot code as prepared by the devtools-oracle
// setup (its directory is the first argument).
//   node stats.mjs ORACLE_DIR FILE
import fs from 'fs';
import { openSnapshot } from './devtools.mjs';

const [dir, file] = process.argv.slice(2);
const snap = await openSnapshot(dir, file);
const st = snap.getStatistics();
fs.writeSync(1, JSON.stringify({
  total: st.total, native: st.native.total, typed_arrays: st.native.typedArrays, v8_heap: st.v8heap.total,
  code: st.v8heap.code, js_arrays: st.v8heap.jsArrays, strings: st.v8heap.strings, system: st.v8heap.system,
}) + '\n');
process.exit(0);
