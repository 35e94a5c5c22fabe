import { trace, context } from '@opentelemetry/api';

const PASSWORD_KEY = 'user.password';
const ATTR = { TOKEN: 'auth.token', REGION: 'cloud.region' } as const;
const tracer = trace.getTracer('auth');

export function login(user: User, req: Req, input: { password: string; apiKey: string }) {
  const span = tracer.startSpan('login', {
    attributes: {
      'user.id': user.id,
      'user.password': input.password, // expect: SD001 SD002
      'enduser.role': user.role,
    },
  });
  span.setAttribute(PASSWORD_KEY, 'redacted'); // expect: SD001
  span.setAttribute(ATTR.TOKEN, user.tokenHash); // expect: SD001
  span.setAttribute(ATTR.REGION, 'eu-west-1');
  span.setAttribute('app.api_key', input.apiKey); // expect: SD001 SD002
  span.setAttribute('app.request.headers', JSON.stringify(req.headers)); // expect: SD002
  span.setAttribute('http.client.auth', req.headers.authorization); // expect: SD001 SD002
  span.setAttribute('app.user.email', user.email); // expect: SD001
  span.setAttribute('app.payment.cardNumber', user.card); // expect: SD001
  span.setAttribute('app.customer.ssn', user.ssn); // expect: SD001
  span.setAttribute('app.session_id', user.sessionId); // expect: SD001 SD002
  span.setAttribute('gen_ai.usage.input_tokens', 120);
  span.setAttribute('gen_ai.usage.output_tokens', 80);
  span.setAttribute('messaging.kafka.message.key', user.id);
  span.setAttribute('author', user.name);
  span.setAttribute('app.password.length', input.password.length);
  span.setAttribute('app.token_count', 3);
  span.setAttribute('app.has_token', Boolean(input.apiKey));
  span.setAttributes({
    'app.plan': user.plan,
    secret: user.secret, // expect: SD001 SD002
  });
  span.addEvent('login.failed', { 'app.attempt': 2, 'app.passwd': input.password }); // expect: SD001 SD002
  trace.getActiveSpan()?.setAttribute('app.auth_token', 'x'); // expect: SD001
  trace.getSpan(context.active())?.setAttribute('app.cache.hit', true);
  span.end();
}

// DOM and other non-span receivers.
export function dom(el: HTMLElement, input: HTMLInputElement, token: string) {
  el.setAttribute('data-token', token);
  input.setAttribute('type', 'password');
  const attrs = { password: 'x' };
  return attrs;
}

interface User { id: string; role: string; tokenHash: string; email: string; card: string; ssn: string; sessionId: string; plan: string; secret: string; name: string }
interface Req { headers: Record<string, string> & { authorization: string } }
