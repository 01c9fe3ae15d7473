// The ES module of esm-listener.js: a session per round subscribes to the
// exported hub and never unsubscribes.
import { createRequire } from 'node:module';
import { EventEmitter } from 'node:events';

const require = createRequire(import.meta.url);
const { series } = require('./lib.js');

class FeedSession {
  constructor(id) {
    this.id = id;
    this.buffer = 'f'.repeat(400) + id;
  }
  onNews(item) { this.last = item; }
}

export const hub = new EventEmitter();
hub.setMaxListeners(0);
let next = 0;

series(() => {
  for (let i = 0; i < 300; i++) {
    const session = new FeedSession(next++);
    hub.on('news', (item) => session.onNews(item));
  }
});
