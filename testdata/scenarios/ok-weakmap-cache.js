'use strict';
// No leak (control corpus): a WeakMap cache keyed by short-lived request
// objects. The values are large, but once a request is dropped its entry
// goes with it.
const { series } = require('./lib');

const derived = new WeakMap();
class Req {
  constructor(id) { this.id = id; this.url = '/items/' + id; }
}
function parse(req) {
  let v = derived.get(req);
  if (!v) {
    v = { parts: req.url.split('/'), scratch: new Array(64).fill(req.id) };
    derived.set(req, v);
  }
  return v;
}

let next = 0;
const recent = [];
series(() => {
  for (let i = 0; i < 10000; i++) {
    const r = new Req(next++);
    parse(r);
    parse(r);
    // A few stay alive for a while (in flight), then go.
    recent.push(r);
    if (recent.length > 200) recent.shift();
  }
}, { warmup: 1 });
