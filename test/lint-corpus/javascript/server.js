const { trace } = require('@opentelemetry/api');
const express = require('express');

const tracer = trace.getTracer('shop');
const app = express();
const SESSION_ATTR = 'app.session';

app.get('/orders/:id', (req, res) => {
  const span = tracer.startSpan('GET ' + req.url); // expect: SN002
  span.setAttribute('app.order.id', req.params.id);
  span.setAttribute(SESSION_ATTR, req.cookies.session); // expect: SD001 SD002
  span.setAttribute('app.request', JSON.stringify(req.headers)); // expect: SD002
  span.setAttribute('http.request.header.x-api-key', req.get('x-api-key')); // expect: SD001 SD002
  span.updateName(req.method + ' /orders/' + req.params.id); // expect: SN001
  span.updateName(`${req.method} ${req.route.path}`);
  span.end();
  res.send('ok');
});

app.post('/jobs', (req, res) => {
  tracer.startActiveSpan('job ' + req.body.jobId, { attributes: { 'app.queue': 'default' } }, (span) => { // expect: SN001
    span.setAttribute('app.job.kind', req.body.kind);
    span.end();
  });
  tracer.startActiveSpan('process batch 2024-06-01T10:00:00Z', (span) => span.end()); // expect: SN011
  tracer.startActiveSpan('process batch', (span) => span.end());
  res.send('ok');
});

const slackToken = 'xoxb-1234567890-abcdefghijkl'; // expect: SD003
module.exports = { app, slackToken };
