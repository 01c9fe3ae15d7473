'use strict';
// Leak: large orders get an activation hook for the audit sink, but the
// helper is handed the process-wide container instead of the request's
// child, so every hook (and the order it captures) stays with the parent.
const { Container } = require('tiny-container');
const { series } = require('./lib');

const container = new Container();

class Order {
  constructor(n) {
    this.user = 'u' + n;
    this.total = 400 + (n % 3) * 100;
    this.lines = 'x'.repeat(300) + n;
  }
}

function attachReview(target, order) {
  if (order.total < 500) return false;
  target.onActivation('audit', function addReviewer(sink) {
    sink.reviewer = order.user;
    return sink;
  });
  return true;
}

function placeOrder(n) {
  const order = new Order(n);
  const scope = container.child();
  if (attachReview(container, order)) scope.activate('audit', { events: [] });
  return order;
}

let next = 0;
series(() => {
  for (let i = 0; i < 300; i++) placeOrder(next++);
});
