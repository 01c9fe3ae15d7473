// Prints DevTools' Comparison view of BASE against TARGET, one JSON line per
// class (class, new, deleted, allocated_size, freed_size), computed by
// DevTools' own heap snapshot code as prepared by the devtools-oracle setup
// (its directory is the first argument). As the Comparison view does, the
// base is aggregated with the target's interface definitions (the names of
// object literals by their properties).
//   node comparison.mjs ORACLE_DIR BASE TARGET
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
const [dir, baseFile, targetFile] = process.argv.slice(2);
const load = (p) => import(pathToFileURL(path.join(dir, p)).href);
const HS = await load('entrypoints/heap_snapshot_worker/HeapSnapshot.js');
const { HeapSnapshotLoader } = await load('entrypoints/heap_snapshot_worker/HeapSnapshotLoader.js');

async function open(file) {
  const loader = new HeapSnapshotLoader({ sendEvent() {} });
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(1 << 20);
  for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0;) loader.write(buf.toString('utf8', 0, n));
  loader.close();
  const { port1, port2 } = new MessageChannel();
  new HS.SecondaryInitManager(port2);
  return loader.buildSnapshot(port1);
}
const base = await open(baseFile);
const target = await open(targetFile);
const diff = target.calculateSnapshotDiff('base', base.aggregatesForDiff(target.interfaceDefinitions()));
const lines = [];
for (const d of Object.values(diff)) {
  lines.push(JSON.stringify({ class: d.name, new: d.addedCount, deleted: d.removedCount, allocated_size: d.addedSize, freed_size: d.removedSize }));
}
fs.writeSync(1, lines.join('\n') + '\n');
process.exit(0);
