'use strict';
// A file reader is registered with a FinalizationRegistry so its
// descriptor is released even if nobody calls close(); the held value is
// an arrow that calls reader.close(), so the registry keeps the reader it
// watches alive, and the cleanup never runs.
const { series } = require('./lib');

const registry = new FinalizationRegistry((cleanup) => cleanup());
let nextFd = 3;

function openReader(name) {
  const fd = nextFd++;
  const reader = {
    name,
    fd,
    pages: Array.from({ length: 30 }, (_, i) => name + ':page-' + i),
    close() { this.closed = true; },
  };
  registry.register(reader, () => reader.close());
  return reader;
}

series(() => {
  for (let i = 0; i < 300; i++) openReader('doc-' + i).pages.length;
});
