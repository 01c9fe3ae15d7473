'use strict';
// A webhook service that registers each new subscription's delivery route
// from inside the handler that creates the subscription: the router keeps
// one Layer per subscription, for good. The routes beside it are
// registered once, at the top level.
const { series } = require('./lib');
const Router = require('router');

const router = Router();
router.get('/health', (req, res) => res.end('ok'));
router.use('/static', (req, res) => res.end(''));

let next = 0;
function verify(secret) {
  return (req, res, go) => (req.headers.sig === secret ? go() : res.end('denied'));
}
router.post('/subscriptions', (req, res) => {
  const sub = { id: 'sub' + next++, secret: 'k' + next.toString(36).repeat(8), target: 'http://example.com/' + next };
  router.post(`/hooks/${sub.id}`, verify(sub.secret), (rq, rs) => rs.end(sub.target));
  res.end(sub.id);
});

const res = { end() {} };
series(() => {
  for (let i = 0; i < 300; i++) router({ method: 'POST', url: '/subscriptions', headers: {} }, res);
});
