'use strict';
// An app object kept in a module variable whose request handler is bound
// to it (server.on('request', app.handle.bind(app))) and whose per-request
// Visit records pile up in an array it never trims. The shortest path to
// them runs through node's connection-checking timer and the server's
// bound request listener; the path people read is the program's own:
// module bound-server.js → app → Analytics.visits → …
const http = require('http');
const { series } = require('./lib');

class Visit {
  constructor(n, req) {
    this.n = n;
    this.path = req.url;
    this.headers = Object.assign({}, req.headers);
    this.note = 'visit '.repeat(40) + n;
  }
}

class Analytics {
  constructor() { this.visits = []; this.count = 0; }
  handle(req, res) {
    this.visits.push(new Visit(this.count++, req));
    res.end('ok');
  }
}

const app = new Analytics();
const server = http.createServer();
server.on('request', app.handle.bind(app));

const agent = new http.Agent({ keepAlive: false });
function get(port) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/p', agent }, (res) => {
      res.resume();
      res.on('end', resolve);
    }).on('error', reject);
  });
}

server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  series(async () => {
    for (let i = 0; i < 150; i++) await get(port);
  }, { done: () => { server.close(); agent.destroy(); } });
});
