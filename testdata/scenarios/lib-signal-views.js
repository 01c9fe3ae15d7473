'use strict';
// Leak through a signals library: each view runs an effect over two
// signals and keeps its dispose function, which nothing calls; each
// signal's subscriber list keeps every view.
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

let n = 0;
series(() => {
  for (let i = 0; i < 200; i++) openView(n++).toString();
  samples.value = { cpu: n };
});
