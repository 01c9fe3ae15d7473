'use strict';
// Leak through a library: a view model per request registers a reaction
// on a long-lived observable value and keeps the disposer, but nothing
// calls it: the value's observer Set keeps every reaction, and through
// its effect, every view model.
const { ObservableValue, reaction } = require('tiny-observe');
const { series } = require('./lib');

const rate = new ObservableValue(1.1);

class CartView {
  constructor(request) {
    this.request = request;
    this.lines = new Array(20).fill(request.id);
    this.rate = 1;
    this.disposeRate = reaction(
      rate,
      (r) => this.setRate(r),
    );
  }

  setRate(r) {
    this.rate = r;
  }

  dispose() {
    this.disposeRate();
  }
}

let n = 0;
series(() => {
  for (let i = 0; i < 300; i++) new CartView({ id: 'rq-' + n++, body: 'b'.repeat(300) });
  rate.set(1.2);
});
