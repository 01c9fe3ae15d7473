'use strict';
// Listeners piling up on an EventEmitter exported by an ES module: the heap
// keeps the module's variable in a cell, and the emitter is named by it.
import('./esm-hub.mjs');
