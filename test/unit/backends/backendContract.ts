// Checks shared by the contract suites in test/backends/*.contract.test.ts: each runs them
// against its real server with the client under test.
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { createBackend, type BackendSettings, type CreatedBackend } from '../../../src/core/backends/createBackend';
import type { TraceBackend, TraceQuery } from '../../../src/core/backends/traceBackend';
import { BackendUnreachableError, CredentialOriginError, TraceNotFoundError, UnauthorizedError } from '../../../src/core/errors';
import type { SentTrace } from '../../backends/harness/sendTestTrace';
import { sentTraceToJson } from '../../backends/harness/sendTestTrace';
import { startBearerProxy } from './localHttpServer';
import { compareTrace, type ExpectedTraceJson, type Fidelity } from './traceExpectations';

export function expectedOf(sent: SentTrace): ExpectedTraceJson {
  return sentTraceToJson(sent) as ExpectedTraceJson;
}

export function rangeAround(sent: SentTrace, marginMs = 120_000): { startMs: number; endMs: number } {
  const startMs = Number(sent.startTimeUnixNano / 1_000_000n);
  return { startMs: startMs - marginMs, endMs: Math.max(Date.now(), startMs) + marginMs };
}

export function baseQuery(sent: SentTrace, extra: Partial<TraceQuery> = {}): TraceQuery {
  return { range: rangeAround(sent), limit: 20, ...extra };
}

/** Keeps every backend built by a suite so `after` can release their connections. */
export class Backends {
  private readonly created: CreatedBackend[] = [];
  make(settings: BackendSettings, credentials?: Parameters<typeof createBackend>[1], log?: (message: string) => void): TraceBackend {
    const c = createBackend({ timeoutMs: 15_000, ...settings }, credentials, log);
    this.created.push(c);
    return c.backend;
  }
  async dispose(): Promise<void> {
    await Promise.all(this.created.map((c) => c.dispose()));
  }
}

export async function assertTraceMatches(backend: TraceBackend, sent: SentTrace, fidelity: Fidelity, withRange = true): Promise<void> {
  const trace = await backend.getTrace(sent.traceId, withRange ? { range: rangeAround(sent) } : {});
  assert.deepEqual(compareTrace(trace, expectedOf(sent), fidelity), []);
  assert.equal(trace.partial, undefined);
}

export async function assertNotFound(backend: TraceBackend): Promise<void> {
  const missing = '0af7651916cd43dd8448eb211c80319c';
  const range = { startMs: Date.now() - 3600_000, endMs: Date.now() };
  await assert.rejects(backend.getTrace(missing, { range }), (e: unknown) => {
    assert.ok(e instanceof TraceNotFoundError, String(e));
    assert.equal(e.traceId, missing);
    assert.match(e.userMessage, new RegExp(new Date(range.startMs).toISOString().slice(0, 16)));
    return true;
  });
}

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

export async function assertUnreachable(backends: Backends, type: BackendSettings['type']): Promise<void> {
  const port = await freeLoopbackPort();
  const b = backends.make({ type, url: `http://127.0.0.1:${port}`, timeoutMs: 3_000 });
  await assert.rejects(b.testConnection(), (e: unknown) => e instanceof BackendUnreachableError && e.url === `http://127.0.0.1:${port}`);
  await assert.rejects(b.getTrace('0af7651916cd43dd8448eb211c80319c'), BackendUnreachableError);
}

/** A bearer-token proxy in front of the real server: 401 without the token, the real answer with it. */
export async function assertBearerProxy(
  backends: Backends,
  settings: Omit<BackendSettings, 'url'>,
  queryUrl: string,
  sent: SentTrace,
  fidelity: Fidelity,
): Promise<void> {
  const token = 'contract-token-123';
  const proxy = await startBearerProxy(queryUrl, token);
  try {
    const anonymous = backends.make({ ...settings, url: `${proxy.url}/` });
    await assert.rejects(anonymous.getTrace(sent.traceId), (e: unknown) => e instanceof UnauthorizedError && e.status === 401 && /Set Credentials/.test(e.userMessage));
    await assert.rejects(anonymous.services(), UnauthorizedError);

    const authed = backends.make({ ...settings, url: proxy.url }, { origin: proxy.origin, auth: { kind: 'bearer', token } });
    await assertTraceMatches(authed, sent, fidelity);
    assert.ok((await authed.services()).length > 0);

    const seen = proxy.authorizations.length;
    const foreign = backends.make({ ...settings, url: proxy.url }, { origin: 'https://somewhere-else.example', auth: { kind: 'bearer', token } });
    await assert.rejects(foreign.getTrace(sent.traceId), CredentialOriginError);
    assert.equal(proxy.authorizations.length, seen, 'no request left with credentials of another origin');
  } finally {
    await proxy.close();
  }
}
