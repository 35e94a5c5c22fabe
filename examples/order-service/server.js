// The demo order service: an HTTP endpoint POST /orders, and a small load generator that calls it a
// few times a second so Trace Lens always has fresh spans. Run: node server.js
'use strict';
const { startTracing } = require('./tracing');
const provider = startTracing('order-service');

const http = require('node:http');
const { SpanKind, SpanStatusCode, context, trace } = require('@opentelemetry/api');
const { createOrder } = require('./orders');

const tracer = trace.getTracer('order-service', '1.0.0');
const PRODUCTS = [{ sku: 'tea', price: 4 }, { sku: 'mug', price: 12 }, { sku: 'kettle', price: 39 }];

async function handleRequest(req, res) {
  return tracer.startActiveSpan('POST /orders', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'POST', 'http.route': '/orders', 'url.path': req.url } }, async (span) => {
    try {
      const items = PRODUCTS.filter(() => Math.random() < 0.6).map((p) => ({ ...p, quantity: 1 + Math.floor(Math.random() * 6) }));
      const order = await createOrder(items);
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: order.id }));
      span.setAttribute('http.response.status_code', 201);
    } catch (err) {
      res.writeHead(500).end(err.message);
      span.setAttribute('http.response.status_code', 500);
      span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
    } finally {
      span.end();
    }
  });
}

const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/orders') void context.with(context.active(), () => handleRequest(req, res));
  else res.writeHead(404).end();
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address();
  console.log(`order-service: listening on http://127.0.0.1:${port}/orders`);
  // The load generator: a few orders a second, forever.
  const rate = Number(process.env.ORDERS_PER_SECOND ?? 4);
  setInterval(() => {
    const req = http.request({ host: '127.0.0.1', port, path: '/orders', method: 'POST' }, (res) => res.resume());
    req.on('error', () => undefined);
    req.end();
  }, 1000 / rate);
});

async function shutdown() {
  server.close();
  await provider.shutdown().catch(() => undefined);
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
