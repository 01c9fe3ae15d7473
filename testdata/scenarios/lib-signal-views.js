'use strict';
// Leak through a signals library: each view runs an effect over two
// signals and keeps its dispose function; live() calls it when its
// connection closes, show() never does, and each signal's subscriber list
// keeps every view show() opened.
const { signal, effect } = require('tiny-signals');
const { series } = require('./lib');

const samples = signal({ cpu: 1 });
const alertLevel = signal('ok');

class DashboardView {
  constructor(id) {
    this.id = id;
    this.panels = [];
    this.html = 'v'.repeat(500) + id;
  }
  refresh(data, alert) {
    this.panels = [data.cpu, alert];
  }
}

function openView(id) {
  const view = new DashboardView(id);
  view.stop = effect(() => {
    view.refresh(samples.value, alertLevel.value);
  });
  return view;
}

function show(id) {
  const view = openView(id);
  return view.panels.length;
}

function live(id, conn) {
  const view = openView(id);
  conn.onClose = () => view.stop();
  return view.panels.length;
}

let n = 0;
series(() => {
  for (let i = 0; i < 200; i++) {
    show(n++);
    const conn = {};
    live(n++, conn);
    conn.onClose();
  }
  samples.value = { cpu: n };
});
