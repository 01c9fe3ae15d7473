'use strict';
// Big legitimate state: a large routing configuration parsed from JSON at
// startup (an object used as a dictionary of route objects).
const { once } = require('./lib');

const routes = {};
for (let i = 0; i < 8000; i++) {
  routes['/api/v1/resource' + i] = { method: i % 2 ? 'GET' : 'POST', upstream: 'http://svc-' + (i % 40) + ':8080', timeoutMs: 1000 + i, retries: i % 3 };
}
const text = JSON.stringify({ version: 3, routes });
once(() => {
  globalThis.config = JSON.parse(text);
});
