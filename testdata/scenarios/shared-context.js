'use strict';
// A dashboard keeps a describe() closure per upload. It reads only the id,
// but shares its scope's context with reject(), which reads the request
// body: so every kept closure keeps a whole body.
const { series } = require('./lib');

const recent = [];
let rejected = 0;

function handleUpload(body) {
  const raw = body;
  const reject = (why) => {
    rejected++;
    return `${why}: ${raw.length} bytes`;
  };
  if (raw.length === 0) return reject('empty');
  const id = 'u' + recent.length;
  recent.push({ id, describe: () => `upload ${id}` });
  return id;
}

series(() => {
  for (let i = 0; i < 60; i++) handleUpload(JSON.stringify({ n: i, data: 'x'.repeat(30000) }));
});
