const { trace } = require('@opentelemetry/api');

const tracer = trace.getTracer('ok');
const ROUTE_NAME = 'GET /users/{id}';

function ok(req, el, id) {
  const span = tracer.startSpan(ROUTE_NAME);
  span.setAttribute('http.route', req.route.path);
  span.setAttribute('app.user.id', id);
  span.setAttribute('app.request.size', req.headers['content-length']);
  span.setAttribute('app.token.type', 'bearer');
  span.setAttribute('app.auth.method', 'oidc');
  span.setAttribute('app.card.brand', 'visa');
  el.setAttribute('aria-label', `user ${id}`);
  el.setAttribute('data-password-visible', 'false');
  const t = new Timer();
  t.startSpan(`step ${id}`);
  console.log(`GET /users/${id}`);
  const password = process.env.PASSWORD;
  const secretName = 'projects/shop/secrets/db-password';
  span.end();
  return password + secretName;
}
class Timer { startSpan(n) { return n; } }
module.exports = { ok };
