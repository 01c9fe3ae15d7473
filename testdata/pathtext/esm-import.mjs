// Imports a function from esm-shelf.mjs, whose module variable holds the
// objects: their path reads `module esm-shelf.mjs → shelf → …` however it
// was reached. Writes one snapshot to argv[2].
import v8 from 'node:v8';
import { shelfSize } from './esm-shelf.mjs';

setTimeout(() => {
  v8.writeHeapSnapshot(process.argv[2]);
  return shelfSize();
}, 10);
