import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { BinaryReader } from '@bufbuild/protobuf/wire';
import { EventLoopLagGate } from '../../../src/core/receiver/intakeGate';
import { OtlpHttpReceiver } from '../../../src/core/receiver/otlpHttpReceiver';
import { DEFER_MIN_RECENT_SPANS, DEFERRED_MESSAGE } from '../../../src/core/receiver/otlpReceiverBase';
import type { ReceiverRequestError, SpansReceivedEvent } from '../../../src/core/receiver/otlpReceiverBase';
import { PortInUseError } from '../../../src/core/receiver/receiverErrors';
import { SpanStore } from '../../../src/core/receiver/spanStore';
import { rawRequest } from './rawHttpRequest';
import { buildRequest, hex, newSpanId, newTraceId } from './otlpTestBodies';

const PB = { 'Content-Type': 'application/x-protobuf' };
const JSON_CT = { 'Content-Type': 'application/json; charset=utf-8' };

function decodeStatus(body: Buffer): { code: number; message: string } {
  const r = new BinaryReader(body);
  let code = 0;
  let message = '';
  while (r.pos < r.len) {
    const [f, wt] = r.tag();
    if (f === 1) code = r.int32();
    else if (f === 2) message = r.string();
    else r.skip(wt);
  }
  return { code, message };
}

function decodePartialSuccess(body: Buffer): { rejected: number; message: string } | undefined {
  if (body.length === 0) return undefined;
  const r = new BinaryReader(body);
  const [f] = r.tag();
  assert.equal(f, 1);
  const end = r.uint32() + r.pos;
  let rejected = 0;
  let message = '';
  while (r.pos < end) {
    const [ff, wt] = r.tag();
    if (ff === 1) rejected = Number(r.int64());
    else if (ff === 2) message = r.string();
    else r.skip(wt);
  }
  return { rejected, message };
}

describe('OtlpHttpReceiver', () => {
  let store: SpanStore;
  let receiver: OtlpHttpReceiver;
  let port: number;
  const events: SpansReceivedEvent[] = [];

  beforeEach(async () => {
    store = new SpanStore({ maxSpans: 10_000 });
    receiver = new OtlpHttpReceiver(store, { port: 0, maxBodyBytes: 1024 * 1024 });
    events.length = 0;
    receiver.onSpans((e) => events.push(e));
    ({ port } = await receiver.start());
  });

  afterEach(async () => {
    await receiver.stop();
    store.dispose();
  });

  it('accepts OTLP protobuf with 200 and an empty ExportTraceServiceResponse, and reports the spans', async () => {
    const traceId = newTraceId();
    const res = await rawRequest(port, 'POST', '/v1/traces', PB, buildRequest([{ traceId, spanId: newSpanId(), name: 'a' }, { traceId, spanId: newSpanId(), name: 'b' }]));
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/x-protobuf');
    assert.equal(res.body.length, 0);
    assert.equal(store.counts.spansHeld, 2);
    assert.deepEqual(events, [{ count: 2, rejected: 0, traceIds: [hex(traceId)] }]);
    assert.equal(receiver.stats.spansAccepted, 2);
  });

  it('accepts OTLP JSON (charset tolerated) and answers in JSON', async () => {
    const body = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: '1'.repeat(32), spanId: '2'.repeat(16), name: 'j' }] }] }] });
    const res = await rawRequest(port, 'POST', '/v1/traces', JSON_CT, Buffer.from(body));
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(res.body.toString()), {});
    assert.equal((await store.getTrace('1'.repeat(32))).spans[0].name, 'j');
  });

  it('reports rejected spans as partial success, in protobuf and in JSON', async () => {
    const pb = await rawRequest(port, 'POST', '/v1/traces', PB, buildRequest([
      { traceId: newTraceId(), spanId: newSpanId(), name: 'ok' },
      { traceId: new Uint8Array(16), spanId: newSpanId(), name: 'bad' },
    ]));
    assert.equal(pb.status, 200);
    const partial = decodePartialSuccess(pb.body);
    assert.equal(partial?.rejected, 1);
    assert.match(partial?.message ?? '', /trace_id/);

    const json = await rawRequest(port, 'POST', '/v1/traces', JSON_CT, Buffer.from(JSON.stringify({
      resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'zz', spanId: '2'.repeat(16) }] }] }],
    })));
    assert.equal(json.status, 200);
    const parsed = JSON.parse(json.body.toString());
    assert.equal(parsed.partialSuccess.rejectedSpans, '1');
    assert.match(parsed.partialSuccess.errorMessage, /traceId/);
    assert.equal(store.counts.spansHeld, 1);
    assert.equal(store.counts.spansRejected, 2);
  });

  it('answers a truncated protobuf body with 400 and a google.rpc.Status, leaving the store unchanged', async () => {
    const body = buildRequest([{ traceId: newTraceId(), spanId: newSpanId(), name: 'x' }]);
    const res = await rawRequest(port, 'POST', '/v1/traces', PB, body.subarray(0, body.length - 3));
    assert.equal(res.status, 400);
    assert.equal(res.headers['content-type'], 'application/x-protobuf');
    const status = decodeStatus(res.body);
    assert.equal(status.code, 3);
    assert.match(status.message, /Malformed/);
    assert.equal(store.counts.spansHeld, 0);
  });

  it('answers invalid JSON with 400 and a JSON Status', async () => {
    const res = await rawRequest(port, 'POST', '/v1/traces', JSON_CT, Buffer.from('{"resourceSpans":'));
    assert.equal(res.status, 400);
    assert.equal(JSON.parse(res.body.toString()).code, 3);
  });

  it('refuses other media types (415), methods (405) and paths (404); accepts and drops metrics and logs', async () => {
    assert.equal((await rawRequest(port, 'POST', '/v1/traces', { 'Content-Type': 'text/plain' }, Buffer.from('x'))).status, 415);
    assert.equal((await rawRequest(port, 'POST', '/v1/traces', {}, Buffer.from('x'))).status, 415);
    assert.equal((await rawRequest(port, 'POST', '/v1/traces', { ...PB, 'Content-Encoding': 'zstd' }, Buffer.from('x'))).status, 415);
    const get = await rawRequest(port, 'GET', '/v1/traces');
    assert.equal(get.status, 405);
    assert.equal(get.headers.allow, 'POST, OPTIONS');
    assert.equal((await rawRequest(port, 'POST', '/v1/spans', PB, Buffer.alloc(0))).status, 404);
    assert.equal((await rawRequest(port, 'POST', '/v1/metrics', PB, Buffer.from([1, 2]))).status, 200);
    assert.equal((await rawRequest(port, 'POST', '/v1/traces?x=1', PB, Buffer.alloc(0))).status, 200);
  });

  it('inflates gzip, zlib deflate and raw deflate bodies', async () => {
    for (const [encoding, fn] of [['gzip', gzipSync], ['deflate', deflateSync], ['deflate', deflateRawSync]] as const) {
      const body = fn(buildRequest([{ traceId: newTraceId(), spanId: newSpanId(), name: encoding }]));
      const res = await rawRequest(port, 'POST', '/v1/traces', { ...PB, 'Content-Encoding': encoding }, body);
      assert.equal(res.status, 200, encoding);
    }
    assert.equal(store.counts.spansHeld, 3);
    const corrupt = await rawRequest(port, 'POST', '/v1/traces', { ...PB, 'Content-Encoding': 'gzip' }, Buffer.from('not gzip at all'));
    assert.equal(corrupt.status, 400);
  });

  it('refuses bodies over the cap with 413: declared, streamed (chunked) and decompressed (gzip bomb)', async () => {
    const declared = await rawRequest(port, 'POST', '/v1/traces', { ...PB, 'Content-Length': 2 * 1024 * 1024 }, (write, end) => {
      write(Buffer.alloc(2 * 1024 * 1024));
      end();
    });
    assert.equal(declared.status, 413);
    assert.equal(decodeStatus(declared.body).code, 8);

    const streamed = await rawRequest(port, 'POST', '/v1/traces', { ...PB, 'Transfer-Encoding': 'chunked' }, (write, end) => {
      for (let i = 0; i < 40; i++) write(Buffer.alloc(64 * 1024));
      end();
    });
    assert.equal(streamed.status, 413);

    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    assert.ok(bomb.length < 1024 * 1024);
    const rssBefore = process.memoryUsage().rss;
    const res = await rawRequest(port, 'POST', '/v1/traces', { ...PB, 'Content-Encoding': 'gzip' }, bomb);
    assert.equal(res.status, 413);
    assert.ok(process.memoryUsage().rss - rssBefore < 32 * 1024 * 1024, 'the bomb was not inflated in full');
    assert.equal(store.counts.spansHeld, 0);

    // The server keeps serving after refusing.
    const ok = await rawRequest(port, 'POST', '/v1/traces', PB, buildRequest([{ traceId: newTraceId(), spanId: newSpanId(), name: 'after' }]));
    assert.equal(ok.status, 200);
  });

  it('answers 503 with Retry-After beyond the concurrent-request bound, so memory stays bounded', async () => {
    await receiver.stop();
    receiver = new OtlpHttpReceiver(store, { port: 0, maxConcurrentRequests: 2 });
    ({ port } = await receiver.start());
    const finishers: (() => void)[] = [];
    const slow = Array.from({ length: 2 }, () =>
      rawRequest(port, 'POST', '/v1/traces', { ...PB, 'Transfer-Encoding': 'chunked' }, (write, end) => {
        write(Buffer.from(buildRequest([{ traceId: newTraceId(), spanId: newSpanId(), name: 'slow' }])));
        finishers.push(end);
      }),
    );
    // Both slow requests are in progress once the receiver has counted them (it does so before reading the body).
    const deadline = Date.now() + 30_000;
    while (receiver.stats.requests < 2) {
      if (Date.now() > deadline) throw new Error('the two slow requests never reached the receiver');
      await new Promise((r) => setTimeout(r, 10));
    }
    const busy = await rawRequest(port, 'POST', '/v1/traces', PB, buildRequest([{ traceId: newTraceId(), spanId: newSpanId(), name: 'busy' }]));
    assert.equal(busy.status, 503);
    assert.equal(busy.headers['retry-after'], '1');
    assert.equal(decodeStatus(busy.body).code, 14);
    for (const end of finishers) end();
    assert.deepEqual((await Promise.all(slow)).map((r) => r.status), [200, 200]);
    const after = await rawRequest(port, 'POST', '/v1/traces', PB, buildRequest([{ traceId: newTraceId(), spanId: newSpanId(), name: 'after' }]));
    assert.equal(after.status, 200);
  });

  it('under a load, defers exports with 503 Retry-After while its thread runs late, says so once per closing, and takes them again after', async () => {
    await receiver.stop();
    const gate = new EventLoopLagGate({ thresholdMs: 50, holdMs: 1_000 });
    const errors: ReceiverRequestError[] = [];
    try {
      receiver = new OtlpHttpReceiver(store, { port: 0, gate });
      receiver.onRequestError((e) => errors.push(e));
      ({ port } = await receiver.start());
      // Under a load only: a few spans are taken however late the loop runs.
      const load = Array.from({ length: DEFER_MIN_RECENT_SPANS }, (_, i) => ({ traceId: newTraceId(), spanId: newSpanId(), name: `load ${i}` }));
      // Holds this thread for 150 ms again and again, as a backlog in the extension host would (one
      // pause alone does not close the gate), with a turn of the event loop between the holds, in
      // which the gate's overdue probe runs, until the gate is closed.
      const runLate = async () => {
        while (!gate.busy) {
          const until = performance.now() + 150;
          while (performance.now() < until) { /* busy */ }
          await new Promise<void>((r) => setImmediate(r));
        }
      };
      // The first export wakes the gate's probe.
      assert.equal((await rawRequest(port, 'POST', '/v1/traces', PB, buildRequest([{ traceId: newTraceId(), spanId: newSpanId(), name: 'first' }]))).status, 200);
      await runLate();
      const few = await rawRequest(port, 'POST', '/v1/traces', PB, buildRequest([{ traceId: newTraceId(), spanId: newSpanId(), name: 'one' }]));
      assert.equal(few.status, 200);
      assert.equal((await rawRequest(port, 'POST', '/v1/traces', PB, buildRequest(load))).status, 200);
      const held = store.counts.spansHeld;
      await runLate();
      const deferred = await rawRequest(port, 'POST', '/v1/traces', PB, buildRequest([{ traceId: newTraceId(), spanId: newSpanId(), name: 'deferred' }]));
      assert.equal(deferred.status, 503);
      assert.equal(deferred.headers['retry-after'], '1');
      assert.deepEqual(decodeStatus(deferred.body), { code: 14, message: DEFERRED_MESSAGE });
      await rawRequest(port, 'POST', '/v1/traces', PB, buildRequest([{ traceId: newTraceId(), spanId: newSpanId(), name: 'deferred too' }]));
      assert.deepEqual(errors.map((e) => [e.status, e.deferred]), [[503, true]], 'one report for the closing, not one per export');
      assert.equal(receiver.stats.requestsDeferred, 2);
      assert.equal(store.counts.spansHeld, held);
      while (gate.busy) await new Promise<void>((r) => setImmediate(r));
      const taken = await rawRequest(port, 'POST', '/v1/traces', PB, buildRequest([{ traceId: newTraceId(), spanId: newSpanId(), name: 'taken' }]));
      assert.equal(taken.status, 200);
      assert.equal(store.counts.spansHeld, held + 1);
    } finally {
      gate.dispose();
    }
  });

  it('grants CORS to localhost origins only, including preflight', async () => {
    const pre = await rawRequest(port, 'OPTIONS', '/v1/traces', {
      Origin: 'http://localhost:5173',
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'content-type, x-custom',
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers['access-control-allow-origin'], 'http://localhost:5173');
    assert.match(String(pre.headers['access-control-allow-methods']), /POST/);
    assert.equal(pre.headers['access-control-allow-headers'], 'content-type, x-custom');

    const evil = await rawRequest(port, 'OPTIONS', '/v1/traces', { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' });
    assert.equal(evil.status, 403);
    assert.equal(evil.headers['access-control-allow-origin'], undefined);

    const post = await rawRequest(port, 'POST', '/v1/traces', { ...JSON_CT, Origin: 'http://127.0.0.1:8080' }, Buffer.from('{}'));
    assert.equal(post.status, 200);
    assert.equal(post.headers['access-control-allow-origin'], 'http://127.0.0.1:8080');
  });

  it('refuses requests whose Host is not a loopback name (DNS rebinding)', async () => {
    const res = await rawRequest(port, 'POST', '/v1/traces', { ...JSON_CT, Host: 'attacker.example:4318' }, Buffer.from('{}'));
    assert.equal(res.status, 403);
    for (const host of ['localhost:4318', '127.0.0.1:4318', '[::1]:4318', 'host.docker.internal:4318']) {
      assert.equal((await rawRequest(port, 'POST', '/v1/traces', { ...JSON_CT, Host: host }, Buffer.from('{}'))).status, 200, host);
    }
  });

  it('explains OTLP/gRPC (HTTP/2) sent to the HTTP port instead of failing silently', async () => {
    const { connect } = await import('node:net');
    const errors: string[] = [];
    receiver.onRequestError((e) => errors.push(e.message));
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'));
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
      socket.resume();
    });
    assert.ok(errors.some((m) => m.includes('OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf')), errors.join('; '));
  });

  it('throws PortInUseError naming the port when the port is taken', async () => {
    const other = new OtlpHttpReceiver(store, { port });
    await assert.rejects(other.start(), (err: unknown) => err instanceof PortInUseError && err.port === port);
    // A foreign (non-HTTP) listener counts too, on loopback or on all interfaces (a Collector in Docker).
    for (const host of ['127.0.0.1', '0.0.0.0']) {
      const blocker = createServer();
      await new Promise<void>((r) => blocker.listen(0, host, r));
      const blockedPort = (blocker.address() as { port: number }).port;
      await assert.rejects(new OtlpHttpReceiver(store, { port: blockedPort }).start(), (err: unknown) => err instanceof PortInUseError && /traceLens\.local\.port/.test(err.userMessage), host);
      await new Promise((r) => blocker.close(r));
    }
  });

  it('stops listening on stop() and can start again', async () => {
    await receiver.stop();
    await assert.rejects(rawRequest(port, 'POST', '/v1/traces', PB, Buffer.alloc(0)));
    const again = await receiver.start();
    assert.ok(again.port > 0);
    port = again.port;
    assert.equal((await rawRequest(port, 'POST', '/v1/traces', PB, Buffer.alloc(0))).status, 200);
  });
});
