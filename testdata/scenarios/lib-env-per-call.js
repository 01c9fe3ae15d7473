'use strict';
// Leak through a library: a template Environment is made per request on
// one shared loader, and each adds its own listener to the loader: the
// loader keeps every Environment. The program's line is the `new`.
const templates = require('tiny-templates');
const { series } = require('./lib');

const loader = new templates.FileLoader('views');

function renderPreview(req) {
  const env = new templates.Environment(loader);
  return env.render('preview.html', { id: req.id });
}

let n = 0;
series(() => {
  for (let i = 0; i < 300; i++) renderPreview({ id: n++ });
});
