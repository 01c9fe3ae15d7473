'use strict';
// A bundled library's minified class (lru-cache's c), one per client key
// that takes the client's port: named by the class's export (LRUCache),
// added where the program's module adds it, though the shortest path
// runs through that module's exports; the keys end with the client's
// port, put in at client-id.js.
const { series } = require('./lib');
const { allow } = require('./lib-per-client/limiter');
const { clientId } = require('./lib-per-client/client-id');

let port = 40000;
series(() => {
  for (let i = 0; i < 300; i++) allow(clientId({ remoteAddress: '127.0.0.1', remotePort: port++ }), '/search');
});
