'use strict';
// An upload body accumulated in one Buffer that is never reset: every chunk
// rebuilds it with Buffer.concat, so the property holds a new, bigger
// Buffer (with a new id) each time, under the same Upload object.
const { series } = require('./lib');

class Upload {
  constructor(name) { this.name = name; this.body = Buffer.alloc(0); this.chunks = 0; }
}

const upload = new Upload('import.csv');
let next = 0;

function onChunk(i) {
  upload.body = Buffer.concat([upload.body, Buffer.alloc(1024, i & 255)]);
  upload.chunks++;
}

series(() => {
  for (let k = 0; k < 150; k++) onChunk(next++);
});
