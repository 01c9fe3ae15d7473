'use strict';
// A live tail: events go to a PassThrough that an ops console pipes to
// itself while connected. The console disconnects after the first
// snapshot; unpipe leaves the stream paused with no reader, and since
// publish ignores write()'s return value every later event waits in the
// stream's write buffer. That buffer is an array the stream creates anew
// once it has drained, so it is not in the first snapshot: only its own
// entries grow.
const { series } = require('./lib');
const { PassThrough, Writable } = require('stream');

class LiveTail {
  constructor() {
    this.stream = new PassThrough({ objectMode: true, highWaterMark: 64 });
    this.viewers = 0;
  }
  attach(viewer) { this.viewers++; this.stream.pipe(viewer); }
  detach(viewer) { this.viewers--; this.stream.unpipe(viewer); }
  publish(event) { this.stream.write(event); }
}

class AuditEvent {
  constructor(n) {
    this.seq = n;
    this.text = 'order ' + n + ' shipped ' + 'x'.repeat(200);
    this.at = Date.now();
  }
}

const tail = new LiveTail();
const console_ = new Writable({ objectMode: true, write(chunk, encoding, callback) { callback(); } });
tail.attach(console_);
let n = 0;
series(async (i) => {
  if (i === 2) tail.detach(console_);
  for (let k = 0; k < 400; k++) {
    tail.publish(new AuditEvent(++n));
    if (k % 50 === 0) await new Promise((r) => setImmediate(r));
  }
});
