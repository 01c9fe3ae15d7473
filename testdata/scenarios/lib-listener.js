'use strict';
// A handler subscribes to a shared bus per request and never unsubscribes;
// its closure keeps the framework's request (a library object) and the
// program's own UserSession: the session is the class to name.
const { EventEmitter } = require('events');
const { series } = require('./lib');
const { Request } = require('tiny-web');

const configBus = new EventEmitter();
configBus.setMaxListeners(0);
// A once() listener on the way to the bus (a server's once('error')): how
// the bus is reached, not how its listeners were added.
const server = new EventEmitter();
server.once('error', function onError() { configBus.emit('reload'); });

class UserSession {
  constructor(id) {
    this.id = id;
    this.history = Array.from({ length: 100 }, (_, i) => ({ at: i, page: '/p/' + id + '/' + i }));
  }
}
function handle(req) {
  const session = new UserSession(req.params.id);
  configBus.on('reload', () => {
    session.history.length = 0;
    req.headers['x-reloaded'] = '1';
  });
}
let next = 0;

series(() => {
  for (let i = 0; i < 100; i++) handle(new Request('/profile/u' + next++));
}, { done: () => server.removeAllListeners() });
