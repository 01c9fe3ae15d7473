'use strict';
// Each StreamHandle registers itself with a module-level
// FinalizationRegistry, as a safety net for handles nobody closes. The
// held value's cleanup closure captures the handle, and a registry keeps
// held values alive until their object is collected: so it never is.
const { series } = require('./lib');

const registry = new FinalizationRegistry((held) => held.release());

class StreamHandle {
  constructor(id) {
    this.id = id;
    this.rows = Array.from({ length: 40 }, (_, i) => 'row-' + id + '-' + i);
    registry.register(this, { id, release: () => this.close() }, this);
  }
  close() {
    registry.unregister(this);
  }
}

let next = 0;
series(() => {
  for (let i = 0; i < 300; i++) new StreamHandle(next++);
});
