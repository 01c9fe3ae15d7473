// Prints DevTools' Comparison view of BASE against TARGET, one JSON line per
// class (class, new, deleted, allocated_size, freed_size), computed by
// DevTools' own heap snapshot code as prepared by the devtools-oracle setup
// (its directory is the first argument). As the Comparison view does, the
// base is aggregated with the target's interface definitions (the names of
// object literals by their properties).
//   node comparison.mjs ORACLE_DIR BASE TARGET
import fs from 'fs';
import { openSnapshot } from './devtools.mjs';

const [dir, baseFile, targetFile] = process.argv.slice(2);
const base = await openSnapshot(dir, baseFile);
const target = await openSnapshot(dir, targetFile);
const diff = target.calculateSnapshotDiff('base', base.aggregatesForDiff(target.interfaceDefinitions()));
const lines = [];
for (const d of Object.values(diff)) {
  lines.push(JSON.stringify({ class: d.name, new: d.addedCount, deleted: d.removedCount, allocated_size: d.addedSize, freed_size: d.removedSize }));
}
fs.writeSync(1, lines.join('\n') + '\n');
process.exit(0);
