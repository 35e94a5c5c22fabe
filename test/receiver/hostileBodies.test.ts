/*
 * Hostile and broken bodies against a receiver with its default limits (32 MiB):
 * the store must stay consistent, memory bounded and the server responsive.
 */
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { rawRequest } from '../unit/receiver/rawHttpRequest';
import { buildRequest, newSpanId, newTraceId } from '../unit/receiver/otlpTestBodies';
import type { TestSpan } from '../unit/receiver/otlpTestBodies';
import { DEFAULT_MAX_BODY_BYTES } from '../../src/core/receiver/otlpReceiverBase';
import * as grpc from '@grpc/grpc-js';
import { TRACE_EXPORT_PATH } from '../../src/core/receiver/otlpGrpcReceiver';
import { startGrpcReceiver, startReceiver } from './receiverHarness';
import type { RunningGrpcReceiver, RunningReceiver } from './receiverHarness';

const PB = { 'Content-Type': 'application/x-protobuf' };
const JSON_CT = { 'Content-Type': 'application/json' };

describe('receiver under hostile bodies', () => {
  let rx: RunningReceiver;
  before(async () => {
    rx = await startReceiver(200_000);
    const seed = await rawRequest(rx.port, 'POST', '/v1/traces', PB, buildRequest([{ traceId: newTraceId(), spanId: newSpanId(), name: 'seed' }]));
    assert.equal(seed.status, 200);
  });
  after(async () => {
    await rx?.stop();
  });

  function snapshot(): string {
    const { spansHeld, tracesHeld, spansReceived } = rx.store.counts;
    return JSON.stringify({ spansHeld, tracesHeld, spansReceived });
  }

  it('answers a truncated protobuf body with 400 and leaves the store unchanged', async () => {
    const before = snapshot();
    const body = buildRequest(Array.from({ length: 50 }, () => ({ traceId: newTraceId(), spanId: newSpanId(), name: 'lost' })));
    for (const cut of [1, 10, Math.floor(body.length / 2), body.length - 1]) {
      const res = await rawRequest(rx.port, 'POST', '/v1/traces', PB, body.subarray(0, cut));
      assert.equal(res.status, 400, `cut at ${cut}`);
    }
    assert.equal(snapshot(), before);
  });

  it('answers wrong JSON field types with 400 (structure) or partial success (span fields)', async () => {
    const structural = await rawRequest(rx.port, 'POST', '/v1/traces', JSON_CT, Buffer.from(JSON.stringify({ resourceSpans: { not: 'an array' } })));
    assert.equal(structural.status, 400);
    const spanLevel = await rawRequest(rx.port, 'POST', '/v1/traces', JSON_CT, Buffer.from(JSON.stringify({
      resourceSpans: [{ scopeSpans: [{ spans: [
        { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name: 'fine' },
        { traceId: 'a'.repeat(32), spanId: 'c'.repeat(16), startTimeUnixNano: { evil: true } },
        { traceId: 12, spanId: 'd'.repeat(16) },
      ] }] }],
    })));
    assert.equal(spanLevel.status, 200);
    assert.equal(JSON.parse(spanLevel.body.toString()).partialSuccess.rejectedSpans, '2');
    assert.equal((await rx.store.getTrace('a'.repeat(32))).spans.length, 1);
  });

  it('answers a 50 MB body with 413 without buffering it', async () => {
    const before = snapshot();
    const chunk = Buffer.alloc(1024 * 1024, 0x0a);
    const res = await rawRequest(rx.port, 'POST', '/v1/traces', { ...PB, 'Transfer-Encoding': 'chunked' }, (write, end) => {
      let sent = 0;
      const pump = (): void => {
        while (sent < 50) {
          sent++;
          if (!write(chunk)) {
            setImmediate(pump);
            return;
          }
        }
        end();
      };
      pump();
    });
    assert.equal(res.status, 413);
    const declared = await rawRequest(rx.port, 'POST', '/v1/traces', { ...PB, 'Content-Length': 50 * 1024 * 1024 }, (write, end) => {
      for (let i = 0; i < 50; i++) write(chunk);
      end();
    });
    assert.equal(declared.status, 413);
    assert.equal(snapshot(), before);
  });

  it('answers a gzip bomb (256 MiB of zeros in ~250 KB) with 413, inflating no more than the cap', async () => {
    const bomb = gzipSync(Buffer.alloc(256 * 1024 * 1024), { level: 9 });
    assert.ok(bomb.length < DEFAULT_MAX_BODY_BYTES / 64);
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const res = await rawRequest(rx.port, 'POST', '/v1/traces', { ...PB, 'Content-Encoding': 'gzip' }, bomb);
    const grown = process.memoryUsage().rss - rssBefore;
    assert.equal(res.status, 413);
    assert.ok(grown < 2 * DEFAULT_MAX_BODY_BYTES + 32 * 1024 * 1024, `RSS grew by ${Math.round(grown / 1e6)} MB`);
  });

  it('accepts 10,000 nested spans (a deep parent chain) in one request and keeps the trace consistent', async () => {
    const traceId = newTraceId();
    const spans: TestSpan[] = [];
    let parent: Uint8Array | undefined;
    for (let i = 0; i < 10_000; i++) {
      const spanId = newSpanId();
      spans.push({ traceId, spanId, parentSpanId: parent, name: `depth ${i}`, start: 1_700_000_000_000_000_000n + BigInt(i), end: 1_700_000_001_000_000_000n - BigInt(i) });
      parent = spanId;
    }
    // Children first: the store must not depend on parents arriving before children.
    spans.reverse();
    const res = await rawRequest(rx.port, 'POST', '/v1/traces', PB, buildRequest(spans));
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 0);
    const trace = await rx.store.getTrace(Buffer.from(traceId).toString('hex'));
    assert.equal(trace.spans.length, 10_000);
    const ids = new Set(trace.spans.map((s) => s.spanId));
    assert.equal(trace.spans.filter((s) => !s.parentSpanId).length, 1);
    assert.ok(trace.spans.every((s) => !s.parentSpanId || ids.has(s.parentSpanId)));
  });

  it('reports spans with invalid ids as partial success with the rejected count', async () => {
    const body = buildRequest([
      { traceId: newTraceId(), spanId: newSpanId(), name: 'ok' },
      { traceId: new Uint8Array(16), spanId: newSpanId(), name: 'zero trace' },
      { traceId: new Uint8Array(15).fill(1), spanId: newSpanId(), name: 'short trace' },
      { traceId: newTraceId(), spanId: new Uint8Array(8), name: 'zero span' },
    ]);
    const rejectedBefore = rx.store.counts.spansRejected;
    const res = await rawRequest(rx.port, 'POST', '/v1/traces', PB, body);
    assert.equal(res.status, 200);
    assert.ok(res.body.length > 0, 'partial_success present');
    assert.equal(res.body[0], 0x0a, 'field 1 (partial_success), length-delimited');
    assert.equal(res.body[2], 0x08, 'rejected_spans varint');
    assert.equal(res.body[3], 3);
    assert.equal(rx.store.counts.spansRejected - rejectedBefore, 3);
  });

  it('is still serving after all of the above', async () => {
    const res = await rawRequest(rx.port, 'POST', '/v1/traces', PB, buildRequest([{ traceId: newTraceId(), spanId: newSpanId(), name: 'still here' }]));
    assert.equal(res.status, 200);
  });
});

describe('OTLP/gRPC receiver under hostile messages', () => {
  let rx: RunningGrpcReceiver;
  let plain: grpc.Client;
  let gzip: grpc.Client;
  before(async () => {
    rx = await startGrpcReceiver(200_000);
    plain = new grpc.Client(`127.0.0.1:${rx.port}`, grpc.credentials.createInsecure());
    gzip = new grpc.Client(`127.0.0.1:${rx.port}`, grpc.credentials.createInsecure(), { 'grpc.default_compression_algorithm': 2 });
  });
  after(async () => {
    plain?.close();
    gzip?.close();
    await rx?.stop();
  });

  function exportRaw(client: grpc.Client, body: Uint8Array): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      client.makeUnaryRequest(TRACE_EXPORT_PATH, (b: Buffer) => b, (b: Buffer) => b, Buffer.from(body), (err, res) => (err ? reject(err) : resolve(res ?? Buffer.alloc(0))));
    });
  }

  const held = (): number => rx.store.counts.spansHeld;

  it('answers truncated protobuf with INVALID_ARGUMENT and leaves the store unchanged', async () => {
    const body = buildRequest(Array.from({ length: 50 }, () => ({ traceId: newTraceId(), spanId: newSpanId(), name: 'lost' })));
    for (const cut of [1, 10, Math.floor(body.length / 2), body.length - 1]) {
      await assert.rejects(exportRaw(plain, body.subarray(0, cut)), (err: grpc.ServiceError) => err.code === grpc.status.INVALID_ARGUMENT, `cut at ${cut}`);
    }
    assert.equal(held(), 0);
  });

  it(`refuses a gzip bomb (40 MiB of zeros in < 100 KB) with RESOURCE_EXHAUSTED, then keeps serving`, async () => {
    const bomb = Buffer.alloc(40 * 1024 * 1024);
    assert.ok(gzipSync(bomb).length < 100 * 1024);
    await assert.rejects(exportRaw(gzip, bomb), (err: grpc.ServiceError) => {
      assert.equal(err.code, grpc.status.RESOURCE_EXHAUSTED);
      assert.match(err.details, new RegExp(`larger than ${DEFAULT_MAX_BODY_BYTES}`));
      return true;
    });
    await exportRaw(gzip, buildRequest([{ traceId: newTraceId(), spanId: newSpanId(), name: 'after the bomb' }]));
    assert.equal(held(), 1);
  });
});
