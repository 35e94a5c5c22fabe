// The order flow of the demo: create → validate → check inventory → process payment → save → notify.
// Each step is a span; checkInventory is sometimes slow and processPayment sometimes fails, so the
// latency above each function and the error rates are worth looking at.
'use strict';
const { SpanStatusCode, trace } = require('@opentelemetry/api');

const tracer = trace.getTracer('order-service', '1.0.0');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const jitter = (base, spread) => base + Math.random() * spread;

/**
 * Runs the body of a step in its span, records errors, ends the span. Each function below starts its
 * span itself (tracer.startActiveSpan), so the span's code location is that function, not a helper.
 */
async function traced(span, body) {
  try {
    return await body(span);
  } catch (err) {
    span.recordException(err);
    span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
    throw err;
  } finally {
    span.end();
  }
}

async function validateOrder(order) {
  return tracer.startActiveSpan('validateOrder', (span) => traced(span, async () => {
    span.setAttribute('order.items', order.items.length);
    await sleep(jitter(2, 3));
    if (order.items.length === 0) throw new Error('an order needs items');
  }));
}

async function checkInventory(order) {
  return tracer.startActiveSpan('checkInventory', (span) => traced(span, async () => {
    // One request in ten hits the slow path: a cold cache in the inventory service.
    const slow = Math.random() < 0.1;
    span.setAttribute('inventory.cache_hit', !slow);
    await sleep(slow ? jitter(250, 100) : jitter(8, 6));
    return order.items.every((item) => item.quantity <= 5);
  }));
}

async function processPayment(order) {
  return tracer.startActiveSpan('processPayment', (span) => traced(span, async () => {
    span.setAttribute('payment.amount', order.total);
    span.setAttribute('payment.currency', 'EUR');
    await sleep(jitter(40, 40));
    if (Math.random() < 0.05) throw new Error('payment declined by the card issuer');
    return { paymentId: Math.random().toString(36).slice(2) };
  }));
}

async function saveOrder(order) {
  return tracer.startActiveSpan('saveOrder', (span) => traced(span, async () => {
    await sleep(jitter(10, 10));
    return order.id;
  }));
}

async function notifyCustomer(order) {
  return tracer.startActiveSpan('notifyCustomer', (span) => traced(span, async () => {
    span.addEvent('email queued', { 'messaging.destination.name': 'order-confirmations' });
    await sleep(jitter(3, 4));
  }));
}

async function createOrder(items) {
  return tracer.startActiveSpan('createOrder', (span) => traced(span, async () => {
    const order = { id: Math.random().toString(36).slice(2, 10), items, total: items.reduce((sum, i) => sum + i.price * i.quantity, 0) };
    span.setAttribute('order.id', order.id);
    await validateOrder(order);
    if (!(await checkInventory(order))) throw new Error('out of stock');
    await processPayment(order);
    await saveOrder(order);
    await notifyCustomer(order);
    return order;
  }));
}

module.exports = { createOrder, validateOrder, checkInventory, processPayment, saveOrder, notifyCustomer };
