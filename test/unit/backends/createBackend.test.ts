import assert from 'node:assert/strict';
import { createBackend } from '../../../src/core/backends/createBackend';
import { JaegerClient } from '../../../src/core/backends/jaegerClient';
import { TempoClient } from '../../../src/core/backends/tempoClient';
import { ZipkinClient } from '../../../src/core/backends/zipkinClient';
import { ConfigurationError, InvalidTraceIdError } from '../../../src/core/errors';
import { startHttpServer } from './localHttpServer';

describe('createBackend', () => {
  it('builds the client for each remote type', async () => {
    for (const [type, cls] of [['tempo', TempoClient], ['jaeger', JaegerClient], ['zipkin', ZipkinClient]] as const) {
      const created = createBackend({ type, url: 'http://127.0.0.1:9' });
      assert.ok(created.backend instanceof cls);
      assert.equal(created.backend.type, type);
      await created.dispose();
    }
  });

  it('refuses settings it cannot use, saying which setting to fix', () => {
    assert.throws(() => createBackend({ type: 'local', url: '' }), ConfigurationError);
    assert.throws(() => createBackend({ type: 'tempo', url: ' ' }), (e: unknown) => e instanceof ConfigurationError && /traceLens\.backend\.url/.test(e.userMessage));
    assert.throws(() => createBackend({ type: 'jaeger', url: 'localhost:16686' }), ConfigurationError);
    assert.throws(() => createBackend({ type: 'zipkin', url: 'http://x', caCertificate: 'not pem' }), /PEM/);
  });

  it('rejects an invalid trace id before any request', async () => {
    const { backend, dispose } = createBackend({ type: 'tempo', url: 'http://127.0.0.1:9' });
    await assert.rejects(backend.getTrace('not-a-trace-id'), InvalidTraceIdError);
    await dispose();
  });

  it('sends the tenant and headers from settings, and credentials only to their origin', async () => {
    const server = await startHttpServer();
    server.handle((_req, res) => res.end('{"services":["a"]}'));
    try {
      const { backend, dispose } = createBackend(
        { type: 'jaeger', url: server.url, tenant: ' team-a ', headers: { 'X-Env': 'prod' }, jaegerApiVersion: 'v3' },
        { origin: server.origin, auth: { kind: 'basic', username: 'u', password: 'p' } },
      );
      assert.deepEqual(await backend.services(), ['a']);
      const h = server.requests[0].headers;
      assert.equal(h['x-scope-orgid'], 'team-a');
      assert.equal(h['x-env'], 'prod');
      assert.equal(h.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
      await dispose();
    } finally {
      await server.close();
    }
  });
});
