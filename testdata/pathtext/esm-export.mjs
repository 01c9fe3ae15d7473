// Exports an object from esm-catalog.mjs that only the exporting module's
// cell keeps (the importer does not): its path reads
// `module esm-catalog.mjs → catalog → …`, the export's name, not the
// record's table and cell. Writes one snapshot to argv[2].
import v8 from 'node:v8';
import './esm-catalog.mjs';

setTimeout(() => {
  v8.writeHeapSnapshot(process.argv[2]);
}, 10);
