'use strict';
// Leak through a plugin handed over per call: renderNote() registers the
// outline plugin on the shared processor each time, to get this note's
// headings; each registration adds one more rule, which every later
// render runs and keeps. The preview processor registers it once.
const { Markup } = require('tiny-markup');
const { series } = require('./lib');

function outlinePlugin(mk, { onOutline }) {
  mk.chain.push('outline', (state) => {
    const heads = state.out.filter((l) => l.startsWith('#'));
    if (onOutline) onOutline(heads);
    else state.env.outline = heads;
  });
}

function linkPlugin(mk) {
  mk.chain.push('links', (state) => {
    state.out = state.out.map((l) => l.replace(/\[(\w+)\]/g, '<a>$1</a>'));
  });
}

const notes = new Markup().use(linkPlugin);
const preview = new Markup().use(linkPlugin).use(outlinePlugin, {});

function renderNote(note) {
  const page = { id: note.id, outline: [], html: '' };
  notes.use(outlinePlugin, {
    onOutline: (heads) => { page.outline = heads; },
  });
  page.html = notes.render(note.body);
  return page;
}

function renderPreview(body) {
  const env = {};
  return { html: preview.render(body, env), outline: env.outline };
}

let n = 0;
series(async () => {
  for (let i = 0; i < 40; i++) {
    n++;
    renderNote({ id: n, body: '# Note ' + n + '\nsee [docs]\n## part\n' + 'x'.repeat(200) });
    renderPreview('# draft ' + n);
  }
});
