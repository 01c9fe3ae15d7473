'use strict';
// A logger made per request (winston.createLogger with the shared file
// transport): each one pipes into the transport, which keeps listeners for
// 'unpipe', 'drain', 'error', 'close' and 'finish' per logger, and with
// them every logger and the request headers in its defaultMeta.
const { series } = require('./lib');
const winston = require('winston');

const transport = new winston.transports.File({ filename: 'audit.log' });
transport.setMaxListeners(0);

function handle(id) {
  const headers = { 'x-request-id': 'r' + id, cookie: 'session=' + 'c'.repeat(200) + id };
  const log = winston.createLogger({ defaultMeta: { id, headers }, transports: [transport] });
  log.info('reserved', { item: id });
}

let next = 0;
series(() => {
  for (let i = 0; i < 200; i++) handle(next++);
}, { done: () => transport });
