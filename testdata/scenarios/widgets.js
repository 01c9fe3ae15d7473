'use strict';
// Widgets register with a long-lived parent and dispose() is never called.
// Each widget owns a Float64Array and labels: one leak, which must be one
// suspect (the typed arrays are inside the widgets, not a leak of their own).
const { series } = require('./lib');

class Panel {
  constructor() { this.children = []; }
}

class ChartWidget {
  constructor(parent, id) {
    this.parent = parent;
    this.id = id;
    this.series = new Float64Array(256);
    this.labels = Array.from({ length: 20 }, (_, i) => 'label-' + id + '-' + i);
    parent.children.push(this);
  }
  dispose() {
    const i = this.parent.children.indexOf(this);
    if (i >= 0) this.parent.children.splice(i, 1);
  }
}

const dashboard = new Panel();
let next = 0;

series(() => {
  for (let i = 0; i < 200; i++) new ChartWidget(dashboard, next++);
});
