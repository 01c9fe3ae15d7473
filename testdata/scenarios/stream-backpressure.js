'use strict';
// A logger writing records to a Writable whose _write never calls back and
// that ignores write()'s return value: every record waits in the stream's
// buffer.
const { series } = require('./lib');
const { Writable } = require('stream');

class Sink extends Writable {
  _write(chunk, encoding, callback) { this.pending = callback; } // stalls
}

class Logger {
  constructor(stream) { this.stream = stream; }
  info(msg) { this.stream.write(JSON.stringify({ level: 'info', msg, at: Date.now() }) + '\n'); }
}

const log = new Logger(new Sink());
let n = 0;
series(() => {
  for (let k = 0; k < 500; k++) log.info('request ' + (++n) + ' done');
});
