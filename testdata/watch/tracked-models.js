'use strict';
class Order {
  constructor(id) { this.id = id; }
}
exports.Order = Order;
