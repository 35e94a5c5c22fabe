/*
 * One receiver for all the windows of a user: several SharedReceivers (one per "window", each with
 * its own store, as in separate extension hosts) on one port, fed by the OpenTelemetry JS SDK's
 * OTLP/HTTP and OTLP/gRPC exporters. What an exporter was told succeeded must be held by every
 * window, once; a window that goes away is replaced by another; a foreign listener or a Trace Lens
 * that cannot prove the user's token is a port conflict, never a source of spans.
 */
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { SharedReceiver } from '../../src/core/receiver/sharedReceiver';
import type { ReceiverState } from '../../src/core/receiver/sharedReceiver';
import { SpanStore } from '../../src/core/receiver/spanStore';
import { authorization, CLEAR_PATH, HELLO_PATH, SUBSCRIBE_PATH } from '../../src/core/receiver/sharedReceiverProtocol';
import type { HelloAnswer } from '../../src/core/receiver/sharedReceiverProtocol';
import { loadOrCreateToken, TOKEN_FILE } from '../../src/core/receiver/sharedReceiverToken';
import { freePort } from '../runner/codeServer';
import { waitFor } from './receiverHarness';

interface Window {
  receiver: SharedReceiver;
  store: SpanStore;
  states: ReceiverState['kind'][];
  clears: number;
}

type ExportResult = Parameters<Parameters<SpanExporter['export']>[1]>[0];
/** ExportResultCode.SUCCESS of @opentelemetry/core, which is not a direct dependency. */
const EXPORT_SUCCESS = 0;

/** The real exporter, with a record of the spans it reported as exported: those must never be lost. */
class AcknowledgingExporter implements SpanExporter {
  readonly acknowledged = new Set<string>();
  constructor(private readonly inner: SpanExporter) {}
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code === EXPORT_SUCCESS) for (const s of spans) this.acknowledged.add(s.spanContext().spanId);
      done(result);
    });
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

function sdk(exporter: SpanExporter): TracerProvider {
  return new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'shared-receiver-test' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
}

async function emit(provider: TracerProvider, count: number, name: string): Promise<void> {
  const tracer = provider.getTracer('shared-receiver-test');
  for (let i = 0; i < count; i++) tracer.startSpan(`${name} ${i}`, {}, ROOT_CONTEXT).end();
  await provider.forceFlush();
}

function spanIds(store: SpanStore): string[] {
  return [...store.allSpans()].map((s) => s.spanId).sort();
}

function get(port: number, urlPath: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: urlPath, method, headers, agent: false }, (res) => {
      // A subscription is a stream that does not end: its status is all this needs.
      if (urlPath === SUBSCRIBE_PATH && res.statusCode === 200) {
        resolve({ status: 200, body: '' });
        req.destroy();
        return;
      }
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('one receiver shared by the VS Code windows of a user (OpenTelemetry JS SDK)', function () {
  this.timeout(60_000);
  let tokenDir: string;
  let port: number;
  let grpcPort: number;
  let windows: Window[];
  let providers: TracerProvider[];
  let foreign: Server | undefined;

  function openWindow(dir = tokenDir): Window {
    const store = new SpanStore({ changeDebounceMs: 10 });
    const quiet = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };
    const receiver = new SharedReceiver({ store, tokenDir: dir, log: quiet });
    const w: Window = { receiver, store, states: [], clears: 0 };
    receiver.onDidChangeState((s) => w.states.push(s.kind));
    receiver.onDidClear(() => w.clears++);
    windows.push(w);
    return w;
  }

  function provider(exporter: SpanExporter): TracerProvider {
    const p = sdk(exporter);
    providers.push(p);
    return p;
  }

  beforeEach(async () => {
    tokenDir = mkdtempSync(path.join(os.tmpdir(), 'trace-lens-shared-'));
    port = await freePort();
    grpcPort = await freePort();
    windows = [];
    providers = [];
  });

  afterEach(async () => {
    await Promise.all(providers.map((p) => p.shutdown().catch(() => undefined)));
    await Promise.all(windows.map((w) => w.receiver.stop()));
    for (const w of windows) w.store.dispose();
    await new Promise<void>((resolve) => (foreign ? foreign.close(() => resolve()) : resolve()));
    foreign = undefined;
    rmSync(tokenDir, { recursive: true, force: true });
  });

  it('a second window attaches instead of failing, and every window holds every acknowledged span exactly once', async () => {
    const a = openWindow();
    assert.equal((await a.receiver.start({ port, grpcPort })).kind, 'listening');
    const http = new AcknowledgingExporter(new ProtoExporter({ url: `http://127.0.0.1:${port}/v1/traces` }));
    const httpSdk = provider(http);
    await emit(httpSdk, 3, 'before the second window');

    const b = openWindow();
    const state = await b.receiver.start({ port, grpcPort });
    assert.equal(state.kind, 'attached');
    assert.deepEqual(b.states, ['starting', 'attached'], 'no failure, hence no port prompt, on the way');
    assert.deepEqual(b.receiver.grpcState, { kind: 'listening', port: grpcPort, endpoint: `http://localhost:${grpcPort}`, shared: true });

    const grpc = new AcknowledgingExporter(new GrpcExporter({ url: `http://127.0.0.1:${grpcPort}` }));
    await emit(httpSdk, 5, 'over http');
    await emit(provider(grpc), 4, 'over grpc');
    const expected = [...http.acknowledged, ...grpc.acknowledged].sort();
    assert.equal(expected.length, 12, 'the SDK exported every span');
    await waitFor('the attached window to hold all 12 spans', () => b.store.counts.spansHeld === 12);
    assert.deepEqual(spanIds(a.store), expected);
    assert.deepEqual(spanIds(b.store), expected);
    assert.equal(a.receiver.subscriberCount, 1);
  });

  it('a subscribed window learns where the owner serves OTLP/gRPC when that changes', async () => {
    const a = openWindow();
    await a.receiver.start({ port, grpcPort: 0 });
    const b = openWindow();
    await b.receiver.start({ port, grpcPort });
    assert.deepEqual(b.receiver.grpcState, { kind: 'off' }, 'the owner decides, and serves no gRPC yet');
    await a.receiver.start({ port, grpcPort });
    await waitFor('the subscribed window to show the owner\'s gRPC port', () => b.receiver.grpcState.kind === 'listening');
    assert.deepEqual(b.receiver.grpcState, { kind: 'listening', port: grpcPort, endpoint: `http://localhost:${grpcPort}`, shared: true });
    await emit(provider(new GrpcExporter({ url: `http://127.0.0.1:${grpcPort}` })), 1, 'over grpc');
    await waitFor('the gRPC span in the subscribed window', () => b.store.counts.spansHeld === 1);
  });

  it('when the owning window goes away, another takes over with the spans it held and keeps receiving', async () => {
    const [a, b, c] = [openWindow(), openWindow(), openWindow()];
    await a.receiver.start({ port, grpcPort });
    assert.equal((await b.receiver.start({ port, grpcPort })).kind, 'attached');
    assert.equal((await c.receiver.start({ port, grpcPort })).kind, 'attached');
    const http = new AcknowledgingExporter(new ProtoExporter({ url: `http://127.0.0.1:${port}/v1/traces`, timeoutMillis: 2_000 }));
    const httpSdk = provider(http);

    // The SDK keeps exporting while the owner closes; spans sent while no one listened fail and are not acknowledged.
    let sending = true;
    const sender = (async () => {
      for (let round = 0; sending; round++) await emit(httpSdk, 2, `round ${round}`);
    })();
    await waitFor('spans acknowledged by the first owner', () => http.acknowledged.size >= 20);
    await a.receiver.stop();
    await waitFor('one window to own the port and the other to subscribe to it', () => {
      const kinds = [b.receiver.state.kind, c.receiver.state.kind].sort();
      return kinds[0] === 'attached' && kinds[1] === 'listening';
    });
    const acknowledgedBeforeTakeover = http.acknowledged.size;
    await waitFor('the new owner to acknowledge spans too', () => http.acknowledged.size >= acknowledgedBeforeTakeover + 20);
    sending = false;
    await sender;

    const owner = b.receiver.state.kind === 'listening' ? b : c;
    await emit(provider(new GrpcExporter({ url: `http://127.0.0.1:${grpcPort}` })), 1, 'grpc after takeover');
    const expected = http.acknowledged.size + 1;
    for (const w of [b, c]) await waitFor('every acknowledged span in both windows', () => w.store.counts.spansHeld === expected);
    const acknowledged = new Set(http.acknowledged);
    for (const w of [b, c]) {
      const ids = spanIds(w.store);
      assert.equal(new Set(ids).size, ids.length, 'no span held twice');
      assert.ok([...acknowledged].every((id) => ids.includes(id)), 'no acknowledged span lost');
    }
    assert.equal(owner.receiver.grpcState.kind, 'listening');
    assert.equal(owner.receiver.subscriberCount, 1);
  });

  it('when the owning window\'s process dies, a subscribed window takes over the port with the spans it held', async () => {
    const owner = fork(path.join(__dirname, 'sharedReceiverWindow.ts'), [String(port), tokenDir], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    try {
      const ownerState = await new Promise<string>((resolve, reject) => {
        owner.once('message', (m: { kind: string }) => resolve(m.kind));
        owner.once('exit', (code) => reject(new Error(`the owner process exited with ${code}`)));
      });
      assert.equal(ownerState, 'listening');
      const b = openWindow();
      assert.equal((await b.receiver.start({ port, grpcPort: 0 })).kind, 'attached');
      const http = new AcknowledgingExporter(new ProtoExporter({ url: `http://127.0.0.1:${port}/v1/traces` }));
      const httpSdk = provider(http);
      await emit(httpSdk, 3, 'before the crash');
      await waitFor('the spans in the attached window', () => b.store.counts.spansHeld === 3);

      const exited = new Promise((resolve) => owner.once('exit', resolve));
      owner.kill('SIGKILL');
      await exited;
      await waitFor('the attached window to own the port', () => b.receiver.state.kind === 'listening');
      await emit(httpSdk, 2, 'after the crash');
      assert.equal(http.acknowledged.size, 5);
      assert.deepEqual(spanIds(b.store), [...http.acknowledged].sort());
    } finally {
      owner.kill('SIGKILL');
    }
  });

  it('Clear Received Spans in a subscribed window empties every window, and spans after it still reach all', async () => {
    const [a, b, c] = [openWindow(), openWindow(), openWindow()];
    await a.receiver.start({ port, grpcPort: 0 });
    await b.receiver.start({ port, grpcPort: 0 });
    await c.receiver.start({ port, grpcPort: 0 });
    const httpSdk = provider(new ProtoExporter({ url: `http://127.0.0.1:${port}/v1/traces` }));
    await emit(httpSdk, 4, 'to be cleared');
    for (const w of [b, c]) await waitFor('the spans in every window', () => w.store.counts.spansHeld === 4);

    await b.receiver.clear();
    assert.equal(b.store.counts.spansHeld, 0, 'the window that cleared is empty when clear() resolves');
    await waitFor('the third window cleared too', () => c.clears === 1);
    assert.deepEqual([a.clears, b.clears, c.clears], [1, 1, 1]);
    assert.equal(a.store.counts.spansHeld + c.store.counts.spansHeld, 0);

    await emit(httpSdk, 2, 'after the clear');
    for (const w of [a, b, c]) await waitFor('new spans in every window', () => w.store.counts.spansHeld === 2);
  });

  it('a foreign program on the port is a port conflict, as before, and is sent nothing derived from the token', async () => {
    const seen: string[] = [];
    foreign = createServer((req, res) => {
      seen.push(`${req.method ?? ''} ${req.url ?? ''} ${req.headers.authorization ?? ''}`);
      res.writeHead(404).end('not a Trace Lens');
    });
    await new Promise<void>((resolve) => foreign?.listen(port, '127.0.0.1', resolve));
    const w = openWindow();
    const state = await w.receiver.start({ port, grpcPort: 0 });
    assert.ok(state.kind === 'failed' && state.portInUse, `failed with portInUse, not ${state.kind}`);
    assert.equal(seen.length, 1, 'one hello');
    assert.match(seen[0], /^GET \/trace-lens\/v1\/hello\?nonce=[\w-]+ $/);
  });

  it('a Trace Lens that cannot prove this user\'s token is a conflict and gets no subscriber', async () => {
    const otherDir = mkdtempSync(path.join(os.tmpdir(), 'trace-lens-shared-other-'));
    try {
      const theirs = openWindow(otherDir);
      await theirs.receiver.start({ port, grpcPort: 0 });
      const ours = openWindow();
      const state = await ours.receiver.start({ port, grpcPort: 0 });
      assert.ok(state.kind === 'failed' && state.portInUse, `failed with portInUse, not ${state.kind}`);
      assert.match(state.message, /another user/);
      assert.equal(theirs.receiver.subscriberCount, 0);
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  it('the channel answers only a proof of the token for a fresh challenge, never a web page, and proves itself only for a real nonce', async () => {
    const w = openWindow();
    await w.receiver.start({ port, grpcPort: 0 });
    const token = await loadOrCreateToken(tokenDir);
    const challenge = async (): Promise<string> => (JSON.parse((await get(port, `${HELLO_PATH}?nonce=${'n'.repeat(24)}`)).body) as HelloAnswer).challenge;
    assert.equal((await get(port, SUBSCRIBE_PATH)).status, 401);
    assert.equal((await get(port, SUBSCRIBE_PATH, { Authorization: `Bearer ${token}` })).status, 401, 'the token itself is not a credential');
    assert.equal((await get(port, SUBSCRIBE_PATH, { Authorization: authorization(token, 'c'.repeat(32)) })).status, 401, 'a challenge it never issued');
    assert.equal((await get(port, CLEAR_PATH, { Authorization: authorization('x'.repeat(43), await challenge()) }, 'POST')).status, 401, 'a proof of another token');
    assert.equal((await get(port, SUBSCRIBE_PATH, { Authorization: authorization(token, await challenge()), Origin: 'http://localhost:3000' })).status, 403);
    const issued = await challenge();
    assert.equal((await get(port, SUBSCRIBE_PATH, { Authorization: authorization(token, issued) })).status, 200);
    assert.equal((await get(port, SUBSCRIBE_PATH, { Authorization: authorization(token, issued) })).status, 401, 'a challenge serves once');
    const hello = JSON.parse((await get(port, HELLO_PATH)).body) as HelloAnswer;
    assert.equal(hello.product, 'trace-lens');
    assert.equal(hello.proof, '', 'no proof for a missing nonce');
  });

  it('keeps the token in a file only the user can read, and replaces one that others could read', async () => {
    const first = await loadOrCreateToken(tokenDir);
    const file = path.join(tokenDir, TOKEN_FILE);
    if (process.platform !== 'win32') assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(await loadOrCreateToken(tokenDir), first, 'every window reads the same token');
    if (process.platform === 'win32') return;
    chmodSync(file, 0o644);
    const replaced = await loadOrCreateToken(tokenDir);
    assert.notEqual(replaced, first);
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });
});
