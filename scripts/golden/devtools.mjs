// Loads a heap snapshot with DevTools' own heap snapshot code, as prepared
// by the devtools-oracle setup (its directory is dir), for the scripts
// beside this one.
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

export async function openSnapshot(dir, file) {
  const load = (p) => import(pathToFileURL(path.join(dir, p)).href);
  const HS = await load('entrypoints/heap_snapshot_worker/HeapSnapshot.js');
  const { HeapSnapshotLoader } = await load('entrypoints/heap_snapshot_worker/HeapSnapshotLoader.js');
  const loader = new HeapSnapshotLoader({ sendEvent() {} });
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(1 << 20);
  for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0;) loader.write(buf.toString('utf8', 0, n));
  fs.closeSync(fd);
  loader.close();
  const { port1, port2 } = new MessageChannel();
  new HS.SecondaryInitManager(port2);
  return loader.buildSnapshot(port1);
}
