import assert from 'node:assert/strict';
import { createBackend } from '../../../src/core/backends/createBackend';
import { JaegerClient } from '../../../src/core/backends/jaegerClient';
import { TempoClient } from '../../../src/core/backends/tempoClient';
import { ZipkinClient } from '../../../src/core/backends/zipkinClient';
import { defaultJaegerGrpcUrl, getTraceRequest } from '../../../src/core/backends/jaegerGrpc';
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

  it("checks Jaeger's gRPC URL, and leaves gRPC out where a proxy applies", async () => {
    for (const bad of ['localhost:16685', 'ftp://localhost:16685', 'http://localhost:16685/api', 'http://user:pw@localhost:16685']) {
      assert.throws(() => createBackend({ type: 'jaeger', url: 'http://127.0.0.1:9', jaegerGrpcUrl: bad }), (e: unknown) => e instanceof ConfigurationError && /jaegerGrpcUrl/.test(e.userMessage), bad);
    }
    const logged: string[] = [];
    const created = createBackend({ type: 'jaeger', url: 'http://127.0.0.1:9', jaegerGrpcUrl: 'http://10.0.0.5:16685', proxy: 'http://proxy.example:3128' }, undefined, (m) => logged.push(m));
    assert.equal(logged.length, 1);
    assert.match(logged[0], /not used: a proxy applies/);
    await created.dispose();
    const direct = createBackend({ type: 'jaeger', url: 'http://127.0.0.1:9', jaegerGrpcUrl: 'http://10.0.0.5:16685', proxy: 'http://proxy.example:3128', noProxy: '10.0.0.5' }, undefined, (m) => logged.push(m));
    assert.equal(logged.length, 1, 'NO_PROXY lets gRPC connect directly');
    await direct.dispose();
  });

  it("puts Jaeger's default query gRPC port beside its HTTP API, same scheme and host", () => {
    assert.equal(defaultJaegerGrpcUrl('http://localhost:16686'), 'http://localhost:16685');
    assert.equal(defaultJaegerGrpcUrl('https://jaeger.example.com/jaeger/'), 'https://jaeger.example.com:16685');
    assert.equal(defaultJaegerGrpcUrl('http://[::1]:16686'), 'http://[::1]:16685');
  });

  it("encodes Jaeger's GetTraceRequest: the hex id, and the range as two Timestamps", () => {
    const id = '0af7651916cd43dd8448eb211c80319c';
    assert.equal(getTraceRequest(id).toString('hex'), `0a20${Buffer.from(id).toString('hex')}`);
    // start_time (field 2): seconds 1700000000 (varint 80 e2 cf aa 06), nanos 250000000 (varint 80 e5 9a 77);
    // end_time (field 3): seconds 1700000001, no nanos.
    const ranged = getTraceRequest(id, { startMs: 1_700_000_000_250, endMs: 1_700_000_001_000 }).toString('hex');
    assert.equal(ranged, `0a20${Buffer.from(id).toString('hex')}120b0880e2cfaa061080e59a771a060881e2cfaa06`);
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
