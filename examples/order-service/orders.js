// A tiny order flow: create → validate → check inventory → pay → save → notify.
function createOrder(items) {
  const order = { id: Date.now().toString(36), items };
  validate(order);
  return order;
}

function validate(order) {
  if (!Array.isArray(order.items) || order.items.length === 0) throw new Error('an order needs items');
}

module.exports = { createOrder, validate };
