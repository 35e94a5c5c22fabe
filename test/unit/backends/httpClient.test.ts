import assert from 'node:assert/strict';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import {
  BackendTimeoutError,
  BackendUnreachableError,
  CancelledError,
  CredentialOriginError,
  HttpStatusError,
  MalformedResponseError,
  ResponseTooLargeError,
  TlsError,
  TraceTooLargeError,
  UnauthorizedError,
} from '../../../src/core/errors';
import { CleartextCredentialWarnings, sendsCredentialsInClear } from '../../../src/core/http/credentials';
import { HttpClient } from '../../../src/core/http/httpClient';
import { systemCertificates } from '../../../src/core/http/systemCertificates';
import { bypassesProxy, proxyForUrl } from '../../../src/core/http/proxy';
import { parseRetryAfter } from '../../../src/core/http/retry';
import { joinUrl } from '../../../src/core/http/url';
import { startConnectProxy, startHttpServer, startHttpsServer, type LocalServer } from './localHttpServer';
import { selfSignedCertificate } from './selfSignedCertificate';

const noEnv = {} as NodeJS.ProcessEnv;

describe('http: URL building', () => {
  it('keeps a path prefix such as Grafana\'s data-source proxy', () => {
    const u = joinUrl('https://g.example/api/datasources/proxy/uid/X', '/api/search', { q: '{ }', limit: 20, start: undefined });
    assert.equal(u.href, 'https://g.example/api/datasources/proxy/uid/X/api/search?q=%7B+%7D&limit=20');
    assert.equal(joinUrl('https://g.example/tempo/', 'api/echo').href, 'https://g.example/tempo/api/echo');
    assert.equal(joinUrl('http://127.0.0.1:3200', '/ready').href, 'http://127.0.0.1:3200/ready');
  });

  it('rejects unusable base URLs with a message naming the setting', () => {
    assert.throws(() => joinUrl('ftp://x', '/a'), /must start with http/);
    assert.throws(() => joinUrl('not a url', '/a'), /traceLens.backend.url/);
    assert.throws(() => joinUrl('https://user:pw@x', '/a'), /Set Credentials/);
  });

  it('rejects headers that would break the request', () => {
    assert.throws(() => new HttpClient({ baseUrl: 'http://x', headers: { 'X-A': 'a\r\nInjected: 1' } }), /not a valid HTTP header/);
    assert.throws(() => new HttpClient({ baseUrl: 'http://x', headers: { 'bad name': 'a' } }), /not a valid HTTP header/);
    assert.throws(() => new HttpClient({ baseUrl: 'http://x', tenant: 'a\nb' }), /not a valid HTTP header/);
  });
});

describe('http: proxy selection', () => {
  const target = new URL('https://tempo.example.com:3200/');
  it('prefers the explicit proxy, else HTTPS_PROXY, else HTTP_PROXY', () => {
    assert.equal(proxyForUrl(target, { proxy: 'http://p:1', env: { HTTPS_PROXY: 'http://e:2' } }), 'http://p:1');
    assert.equal(proxyForUrl(target, { env: { HTTPS_PROXY: 'http://e:2', HTTP_PROXY: 'http://h:3' } }), 'http://e:2');
    assert.equal(proxyForUrl(target, { env: { http_proxy: 'http://h:3' } }), 'http://h:3');
    assert.equal(proxyForUrl(new URL('http://x/'), { env: { HTTPS_PROXY: 'http://e:2' } }), undefined);
    assert.equal(proxyForUrl(target, { env: {} }), undefined);
  });
  it('honours NO_PROXY entries: suffixes, ports, wildcard', () => {
    assert.equal(bypassesProxy(target, 'example.com'), true);
    assert.equal(bypassesProxy(target, '.example.com'), true);
    assert.equal(bypassesProxy(target, 'other.com,tempo.example.com:3200'), true);
    assert.equal(bypassesProxy(target, 'tempo.example.com:9999'), false);
    assert.equal(bypassesProxy(target, 'ample.com'), false);
    assert.equal(bypassesProxy(target, '*'), true);
    assert.equal(proxyForUrl(target, { proxy: 'http://p:1', env: { NO_PROXY: 'example.com' } }), undefined);
  });
});

describe('http: Retry-After', () => {
  it('reads seconds and HTTP dates', () => {
    assert.equal(parseRetryAfter('2'), 2000);
    assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4_000), 6000);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter(undefined), undefined);
  });
});

describe('http: against a real local server', function () {
  let server: LocalServer;
  beforeEach(async () => {
    server = await startHttpServer();
  });
  afterEach(async () => {
    await server.close();
  });

  const client = (extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) =>
    new HttpClient({ baseUrl: `${server.url}/prefix`, env: noEnv, retry: { baseDelayMs: 10, maxDelayMs: 50 }, ...extra });

  it('sends the path under the prefix, custom headers and the tenant', async () => {
    server.handle((_req, res) => res.end('{"ok":true}'));
    const doc = await client({ headers: { 'X-Team': 'a' }, tenant: 'tenant-1' }).getJson({ path: '/api/search', query: { q: 'x' } }, 'x');
    assert.deepEqual(doc, { ok: true });
    assert.equal(server.requests[0].url, '/prefix/api/search?q=x');
    assert.equal(server.requests[0].headers['x-team'], 'a');
    assert.equal(server.requests[0].headers['x-scope-orgid'], 'tenant-1');
  });

  it('retries 503 and 429 honouring Retry-After, then succeeds', async () => {
    let n = 0;
    server.handle((_req, res) => {
      n++;
      if (n === 1) res.writeHead(503).end('busy');
      else if (n === 2) res.writeHead(429, { 'retry-after': '1' }).end('slow down');
      else res.end('"done"');
    });
    const t0 = Date.now();
    assert.equal(await client().getJson({ path: '/x' }, 'x'), 'done');
    assert.equal(n, 3);
    assert.ok(Date.now() - t0 >= 950, 'waited for Retry-After: 1');
  });

  it('gives up after the retry budget and reports the status', async () => {
    server.handle((_req, res) => res.writeHead(502).end('bad gateway'));
    await assert.rejects(client({ retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 } }).get({ path: '/x' }), (e: unknown) => {
      assert.ok(e instanceof HttpStatusError);
      assert.equal(e.status, 502);
      return true;
    });
    assert.equal(server.requests.length, 3);
  });

  it('does not wait for an unreasonable Retry-After', async () => {
    server.handle((_req, res) => res.writeHead(503, { 'retry-after': '3600' }).end('maintenance'));
    const t0 = Date.now();
    await assert.rejects(client().get({ path: '/x' }), HttpStatusError);
    assert.equal(server.requests.length, 1);
    assert.ok(Date.now() - t0 < 2000);
  });

  it('does not retry other errors such as 500 or 400', async () => {
    server.handle((_req, res) => res.writeHead(500).end('boom'));
    await assert.rejects(client().get({ path: '/x' }), /HTTP 500: boom/);
    assert.equal(server.requests.length, 1);
  });

  it('maps 401 and 403 to UnauthorizedError pointing at Set Credentials', async () => {
    server.handle((_req, res) => res.writeHead(401).end('no'));
    await assert.rejects(client().get({ path: '/x' }), (e: unknown) => e instanceof UnauthorizedError && e.status === 401 && /Set Credentials/.test(e.userMessage));
    server.handle((_req, res) => res.writeHead(403).end('no'));
    await assert.rejects(client().get({ path: '/x' }), (e: unknown) => e instanceof UnauthorizedError && e.status === 403);
  });

  it('sends credentials only to the origin they were stored for', async () => {
    server.handle((_req, res) => res.end('{}'));
    const own = { origin: server.origin, auth: { kind: 'bearer' as const, token: 's3cret' } };
    await client({ credentials: own }).get({ path: '/x' });
    assert.equal(server.requests[0].headers.authorization, 'Bearer s3cret');

    const basic = { origin: `${server.origin}/`, auth: { kind: 'basic' as const, username: 'u', password: 'p:w' } };
    await client().get({ path: '/x', credentials: basic });
    assert.equal(server.requests[1].headers.authorization, `Basic ${Buffer.from('u:p:w').toString('base64')}`);

    const other = { origin: 'https://grafana.example.com', auth: { kind: 'bearer' as const, token: 's3cret' } };
    await assert.rejects(client({ credentials: other }).get({ path: '/x' }), CredentialOriginError);
    // Another port on the same host is another origin.
    const port = Number(new URL(server.origin).port);
    const otherPort = { origin: `http://127.0.0.1:${port + 1}`, auth: { kind: 'bearer' as const, token: 's3cret' } };
    await assert.rejects(client().get({ path: '/x', credentials: otherPort }), CredentialOriginError);
    assert.equal(server.requests.length, 2, 'nothing was sent for foreign credentials');
  });

  it('tells when credentials would cross a network unencrypted: http:// to anything but loopback', () => {
    for (const url of ['http://tempo.example.com:3200', 'http://10.0.0.5', 'http://[fd00::1]:16686/', 'http://127.example.com']) {
      assert.equal(sendsCredentialsInClear(url), true, url);
    }
    for (const url of ['https://tempo.example.com', 'http://localhost:3200', 'http://api.localhost', 'http://127.0.0.1:9411', 'http://127.1.2.3', 'http://[::1]:16686', 'not a url']) {
      assert.equal(sendsCredentialsInClear(url), false, url);
    }
  });

  it('warns of credentials in clear once per origin, never for https or loopback', () => {
    const warnings = new CleartextCredentialWarnings();
    assert.equal(warnings.shouldWarn('http://tempo.example.com:3200'), true);
    assert.equal(warnings.shouldWarn('http://tempo.example.com:3200'), false, 'once');
    assert.equal(warnings.shouldWarn('http://jaeger.example.com:16686'), true, 'another origin gets its own warning');
    assert.equal(warnings.shouldWarn('https://tempo.example.com'), false);
    assert.equal(warnings.shouldWarn('http://localhost:3200'), false);
  });

  it('does not follow redirects (which could carry credentials elsewhere)', async () => {
    server.handle((_req, res) => res.writeHead(302, { location: 'http://127.0.0.1:1/steal' }).end());
    await assert.rejects(
      client({ credentials: { origin: server.origin, auth: { kind: 'bearer', token: 't' } } }).get({ path: '/x' }),
      (e: unknown) => e instanceof HttpStatusError && e.status === 302 && /redirect to http:\/\/127\.0\.0\.1:1\/steal.*backend\.url/.test(e.userMessage),
    );
  });

  for (const [encoding, compress, label] of [
    ['gzip', gzipSync, 'gzip'],
    ['deflate', deflateSync, 'zlib-wrapped deflate'],
    ['deflate', deflateRawSync, 'raw deflate'],
    ['br', brotliCompressSync, 'brotli'],
  ] as const) {
    it(`decodes ${label} bodies`, async () => {
      const payload = JSON.stringify({ values: Array.from({ length: 2000 }, (_, i) => `v${i}`) });
      server.handle((_req, res) => res.writeHead(200, { 'content-encoding': encoding }).end(compress(Buffer.from(payload))));
      const doc = (await client().getJson({ path: '/x' }, 'x')) as { values: string[] };
      assert.equal(doc.values.length, 2000);
      assert.equal(doc.values[1999], 'v1999');
      assert.match(String(server.requests[0].headers['accept-encoding']), /gzip/);
    });
  }

  it('hands a successful gzip body to the sink as it arrives, and keeps an error body for its message', async () => {
    const payload = Buffer.from(JSON.stringify({ values: Array.from({ length: 50_000 }, (_, i) => `v${i}`) }));
    server.handle((req, res) => {
      if (req.url === '/prefix/missing') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('trace not found');
      res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(payload));
    });
    const chunks: Buffer[] = [];
    // onAnswer: once, when the headers are in, before the first chunk.
    const answers: number[] = [];
    const res = await client().get({ path: '/x', sink: (c) => chunks.push(Buffer.from(c)), onAnswer: () => answers.push(chunks.length) });
    assert.equal(res.body.length, 0, 'the body went to the sink only');
    assert.ok(chunks.length > 1, `${chunks.length} chunk(s)`);
    assert.deepEqual(Buffer.concat(chunks), payload);
    assert.deepEqual(answers, [0]);
    const sunk: Buffer[] = [];
    const missing = await client().get({ path: '/missing', acceptStatus: [404], sink: (c) => sunk.push(c), onAnswer: () => answers.push(-1) });
    assert.equal(missing.text(), 'trace not found');
    assert.equal(sunk.length, 0);
    assert.deepEqual(answers, [0], 'not called for an error status');
  });

  it('stops reading past the size cap while streaming', async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 64) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    await assert.rejects(client({ maxResponseBytes: 1024 * 1024 }).get({ path: '/x' }), (e: unknown) => {
      assert.ok(e instanceof ResponseTooLargeError);
      assert.ok(e instanceof TraceTooLargeError);
      assert.match(e.userMessage, /larger than 1 MiB/);
      assert.match(e.userMessage, /Raise "traceLens\.backend\.maxResponseMB"/);
      return true;
    });
  });

  it('aborts an endless answer once the cap is passed, closing the connection', async () => {
    let closed!: () => void;
    const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
    server.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let open = true;
      res.on('close', () => {
        open = false;
        closed();
      });
      // Never ends on its own: only the client hanging up stops it.
      const pump = () => {
        while (open) if (!res.write(chunk)) return void res.once('drain', pump);
      };
      pump();
    });
    await assert.rejects(client({ maxResponseBytes: 2 * 1024 * 1024 }).get({ path: '/x' }), (e: unknown) => e instanceof ResponseTooLargeError && e.limitBytes === 2 * 1024 * 1024);
    await connectionClosed;
  });

  it('rejects a declared Content-Length over the cap before reading', async () => {
    server.handle((_req, res) => res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) }).end(Buffer.alloc(10 * 1024 * 1024)));
    await assert.rejects(client({ maxResponseBytes: 1024 * 1024 }).get({ path: '/x' }), ResponseTooLargeError);
  });

  it('counts decompressed bytes, so a gzip bomb is stopped', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20));
    assert.ok(bomb.length < 200 * 1024);
    server.handle((_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(bomb));
    await assert.rejects(client({ maxResponseBytes: 1024 * 1024 }).get({ path: '/x' }), ResponseTooLargeError);
  });

  it('reports corrupt compressed data as a malformed response', async () => {
    server.handle((_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end('this is not gzip'));
    await assert.rejects(client().get({ path: '/x' }), MalformedResponseError);
  });

  it('reports garbage where JSON was expected, quoting the start of it', async () => {
    server.handle((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login page</html>'));
    await assert.rejects(client().getJson({ path: '/x' }, 'Tempo search results'), (e: unknown) => {
      assert.ok(e instanceof MalformedResponseError);
      assert.match(e.userMessage, /JSON Tempo search results/);
      assert.match(e.message, /<html>login page/);
      return true;
    });
  });

  it('times out a server that never answers', async () => {
    server.handle(() => {
      /* never answers */
    });
    const t0 = Date.now();
    await assert.rejects(client({ timeoutMs: 300, retry: { maxRetries: 0 } }).get({ path: '/x' }), (e: unknown) => {
      assert.ok(e instanceof BackendTimeoutError);
      assert.match(e.userMessage, /300 ms/);
      return true;
    });
    assert.ok(Date.now() - t0 < 3000);
  });

  it('times out a body that stalls half-way', async () => {
    server.handle((_req, res) => {
      res.writeHead(200);
      res.write('{"a":');
    });
    await assert.rejects(client({ timeoutMs: 300, retry: { maxRetries: 0 } }).get({ path: '/x' }), BackendTimeoutError);
  });

  it('cancels through an AbortSignal with CancelledError, also during a retry wait', async () => {
    server.handle(() => {
      /* never answers */
    });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    await assert.rejects(client().get({ path: '/x', signal: ac.signal }), CancelledError);

    server.handle((_req, res) => res.writeHead(503, { 'retry-after': '10' }).end());
    const ac2 = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac2.abort(), 200);
    await assert.rejects(client().get({ path: '/x', signal: ac2.signal }), CancelledError);
    assert.ok(Date.now() - t0 < 3000);

    const done = new AbortController();
    done.abort();
    await assert.rejects(client().get({ path: '/x', signal: done.signal }), CancelledError);
  });

  it('goes through an explicit proxy, and through HTTP_PROXY from the environment', async () => {
    const proxy = await startConnectProxy();
    try {
      server.handle((_req, res) => res.end('"via proxy"'));
      const target = new URL(server.url).host;
      assert.equal(await client({ proxy: proxy.url, noProxy: '' }).getJson({ path: '/x' }, 'x'), 'via proxy');
      assert.deepEqual(proxy.tunnels, [target]);
      assert.equal(await client({ env: { HTTP_PROXY: proxy.url } }).getJson({ path: '/y' }, 'x'), 'via proxy');
      assert.deepEqual(proxy.tunnels, [target, target]);
      // NO_PROXY wins over the environment's proxy.
      await client({ env: { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } }).get({ path: '/z' });
      assert.equal(proxy.tunnels.length, 2);
      assert.equal(server.requests.length, 3);
    } finally {
      await proxy.close();
    }
  });

  it('http.proxySupport "off" connects directly although http.proxy and HTTP_PROXY name a proxy', async () => {
    const proxy = await startConnectProxy();
    try {
      server.handle((_req, res) => res.end('"direct"'));
      const before = server.requests.length;
      assert.equal(await client({ proxy: proxy.url, noProxy: '', proxySupport: 'off', env: { HTTP_PROXY: proxy.url } }).getJson({ path: '/x' }, 'x'), 'direct');
      assert.deepEqual(proxy.tunnels, []);
      assert.deepEqual(proxy.proxyAuthorizations, [], 'the proxy was not even asked');
      assert.equal(server.requests.length, before + 1);
    } finally {
      await proxy.close();
    }
  });

  it('sends http.proxyAuthorization to the proxy only, never to the backend', async () => {
    const value = 'Basic dXNlcjpwcm94eS1zZWNyZXQ=';
    const proxy = await startConnectProxy({ authorization: value });
    try {
      server.handle((_req, res) => res.end('"authorised"'));
      await assert.rejects(client({ proxy: proxy.url, noProxy: '', retry: { maxRetries: 0 } }).get({ path: '/refused' }));
      assert.deepEqual(proxy.tunnels, [], 'without the header the proxy refused the tunnel');
      assert.equal(await client({ proxy: proxy.url, noProxy: '', proxyAuthorization: value }).getJson({ path: '/x' }, 'x'), 'authorised');
      assert.equal(proxy.tunnels.length, 1);
      assert.deepEqual(proxy.proxyAuthorizations, [undefined, value]);
      const atBackend = server.requests.find((r) => r.url === '/prefix/x');
      assert.ok(atBackend, 'the request reached the backend');
      assert.equal(atBackend.headers['proxy-authorization'], undefined);
    } finally {
      await proxy.close();
    }
  });

  it('refuses an http.proxyAuthorization with a line break instead of sending it', () => {
    assert.throws(() => client({ proxy: 'http://127.0.0.1:9', proxyAuthorization: 'Basic a\r\nX-Evil: 1' }), /proxyAuthorization.*line break/);
  });
});

describe('http: connection failures', () => {
  it('reports an unreachable port with the URL', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createNetServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const c = new HttpClient({ baseUrl: `http://127.0.0.1:${port}`, env: noEnv });
    await assert.rejects(c.get({ path: '/api/services' }), (e: unknown) => {
      assert.ok(e instanceof BackendUnreachableError);
      assert.equal(e.url, `http://127.0.0.1:${port}`);
      assert.match(e.userMessage, new RegExp(`127.0.0.1:${port}.*ECONNREFUSED`));
      return true;
    });
  });

  describe('TLS with a self-signed certificate', () => {
    let server: LocalServer;
    let key: string;
    let cert: string;
    before(async function () {
      ({ key, cert } = selfSignedCertificate());
      server = await startHttpsServer(key, cert);
      server.handle((_req, res) => res.end('"secure"'));
    });
    after(async () => {
      await server.close();
    });

    it('fails with TlsError naming the CA setting when the certificate is not trusted', async () => {
      await assert.rejects(new HttpClient({ baseUrl: server.url, env: noEnv }).get({ path: '/x' }), (e: unknown) => {
        assert.ok(e instanceof TlsError, String(e));
        assert.match(e.userMessage, /caCertificate/);
        assert.match(e.userMessage, /self.signed/i);
        return true;
      });
    });

    it('succeeds when that certificate is given as the CA', async () => {
      assert.equal(await new HttpClient({ baseUrl: server.url, caCertificate: cert, env: noEnv }).getJson({ path: '/x' }, 'x'), 'secure');
    });

    it('trusts the OS store\'s certificates when given (http.systemCertificates), beside Node\'s roots', async () => {
      assert.equal(await new HttpClient({ baseUrl: server.url, systemCertificates: [cert], env: noEnv }).getJson({ path: '/x' }, 'x'), 'secure');
      // On a Node that cannot read the store, none: the client then trusts what it did before.
      assert.ok(Array.isArray(systemCertificates()));
      assert.ok(systemCertificates().every((pem) => pem.includes('-----BEGIN CERTIFICATE-----')));
    });

    it('refuses a CA setting that is not PEM', () => {
      assert.throws(() => new HttpClient({ baseUrl: server.url, caCertificate: 'hello' }), /PEM/);
    });

    it('a TLS proxy with a self-signed certificate: refused by default, used with http.proxyStrictSSL false', async () => {
      const proxy = await startConnectProxy({ tls: { key, cert } });
      try {
        assert.match(proxy.url, /^https:/);
        await assert.rejects(new HttpClient({ baseUrl: server.url, proxy: proxy.url, noProxy: '', env: noEnv }).get({ path: '/x' }), TlsError);
        assert.deepEqual(proxy.tunnels, [], 'nothing was tunnelled through an unverified proxy');
        // The backend behind it is self-signed too, as a TLS-inspecting proxy's re-signed answer would be.
        const lax = new HttpClient({ baseUrl: server.url, proxy: proxy.url, noProxy: '', proxyStrictSSL: false, env: noEnv });
        assert.equal(await lax.getJson({ path: '/x' }, 'x'), 'secure');
        assert.deepEqual(proxy.tunnels, [new URL(server.url).host]);
      } finally {
        await proxy.close();
      }
    });

    it('http.proxyStrictSSL false does not loosen a direct connection', async () => {
      await assert.rejects(new HttpClient({ baseUrl: server.url, proxyStrictSSL: false, env: noEnv }).get({ path: '/x' }), TlsError);
    });

    it('reaches HTTPS through the CONNECT proxy with the custom CA', async () => {
      const proxy = await startConnectProxy();
      try {
        const c = new HttpClient({ baseUrl: server.url, caCertificate: cert, proxy: proxy.url, noProxy: '', env: noEnv });
        assert.equal(await c.getJson({ path: '/x' }, 'x'), 'secure');
        assert.equal(proxy.tunnels.length, 1);
      } finally {
        await proxy.close();
      }
    });
  });
});
