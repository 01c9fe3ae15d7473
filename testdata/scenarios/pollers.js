'use strict';
// An interval per client that is never cleared; each poller holds a Buffer
// and a history. One leak: the Timeouts, with the pollers and their buffers
// inside, must be one suspect whose growth is not counted twice.
const { series } = require('./lib');

class ClientPoller {
  constructor(id) {
    this.id = id;
    this.state = Buffer.alloc(2048, id & 0xff);
    this.history = Array.from({ length: 20 }, (_, i) => ({ t: i }));
    this.timer = setInterval(() => { this.history[0].t++; }, 3600 * 1000);
  }
  stop() { clearInterval(this.timer); }
}

let next = 0;
series(() => {
  for (let i = 0; i < 150; i++) new ClientPoller(next++);
}, { done: () => process.exit(0) });
