import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { BinaryReader } from '@bufbuild/protobuf/wire';
import { OtlpGrpcReceiver, TRACE_EXPORT_PATH } from '../../../src/core/receiver/otlpGrpcReceiver';
import type { SpansReceivedEvent } from '../../../src/core/receiver/otlpReceiverBase';
import { PortInUseError } from '../../../src/core/receiver/receiverErrors';
import { SpanStore } from '../../../src/core/receiver/spanStore';
import { buildRequest, hex, newSpanId, newTraceId } from './otlpTestBodies';

interface PartialSuccess {
  rejected: number;
  message: string;
}

/** ExportTraceServiceResponse → its partial_success, undefined when absent (the common, empty answer). */
function decodeResponse(body: Buffer): PartialSuccess | undefined {
  if (body.length === 0) return undefined;
  const r = new BinaryReader(body);
  const [f] = r.tag();
  assert.equal(f, 1);
  const end = r.uint32() + r.pos;
  const out = { rejected: 0, message: '' };
  while (r.pos < end) {
    const [ff, wt] = r.tag();
    if (ff === 1) out.rejected = Number(r.int64());
    else if (ff === 2) out.message = r.string();
    else r.skip(wt);
  }
  return out;
}

/** A raw unary call: bytes in, the response bytes (or the gRPC error) out. */
function exportRaw(client: grpc.Client, path: string, body: Uint8Array, options: grpc.CallOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      path,
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.from(body),
      new grpc.Metadata(),
      options,
      (err, res) => (err ? reject(err) : resolve(res ?? Buffer.alloc(0))),
    );
  });
}

describe('OtlpGrpcReceiver', () => {
  let store: SpanStore;
  let receiver: OtlpGrpcReceiver;
  let client: grpc.Client;
  const events: SpansReceivedEvent[] = [];

  beforeEach(async () => {
    store = new SpanStore({ maxSpans: 10_000 });
    receiver = new OtlpGrpcReceiver(store, { port: 0, maxBodyBytes: 256 * 1024 });
    events.length = 0;
    receiver.onSpans((e) => events.push(e));
    const { port } = await receiver.start();
    client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  afterEach(async () => {
    client.close();
    await receiver.stop();
    store.dispose();
  });

  it('serves TraceService/Export on loopback: spans reach the store, the answer is an empty ExportTraceServiceResponse', async () => {
    const traceId = newTraceId();
    const res = await exportRaw(client, TRACE_EXPORT_PATH, buildRequest([{ traceId, spanId: newSpanId(), name: 'a' }, { traceId, spanId: newSpanId(), name: 'b' }]));
    assert.equal(res.length, 0);
    assert.equal(store.counts.spansHeld, 2);
    assert.deepEqual(events, [{ count: 2, rejected: 0, traceIds: [hex(traceId)] }]);
    assert.equal(receiver.stats.spansAccepted, 2);
    assert.match(receiver.endpoint ?? '', /^http:\/\/localhost:\d+$/);
  });

  it('answers rejected spans with partial success', async () => {
    const res = await exportRaw(client, TRACE_EXPORT_PATH, buildRequest([
      { traceId: newTraceId(), spanId: newSpanId(), name: 'ok' },
      { traceId: new Uint8Array(16), spanId: newSpanId(), name: 'bad' },
    ]));
    const partial = decodeResponse(res);
    assert.equal(partial?.rejected, 1);
    assert.match(partial?.message ?? '', /trace_id/);
    assert.equal(store.counts.spansHeld, 1);
    assert.equal(store.counts.spansRejected, 1);
  });

  it('accepts gzip-compressed messages (grpc-encoding: gzip)', async () => {
    const gzipClient = new grpc.Client(`127.0.0.1:${receiver.port}`, grpc.credentials.createInsecure(), { 'grpc.default_compression_algorithm': 2 });
    try {
      const traceId = newTraceId();
      const spans = Array.from({ length: 50 }, (_, i) => ({ traceId, spanId: newSpanId(), name: `op ${i % 3}` }));
      await exportRaw(gzipClient, TRACE_EXPORT_PATH, buildRequest(spans));
      assert.equal(store.counts.spansHeld, 50);
      assert.deepEqual([...new Set((await store.getTrace(hex(traceId))).spans.map((s) => s.name))].sort(), ['op 0', 'op 1', 'op 2']);
      // Compressed it is small; grpc-js measures the cap after decompression, and says so.
      const huge = buildRequest([{ traceId: newTraceId(), spanId: newSpanId(), name: 'x'.repeat(300 * 1024) }]);
      await assert.rejects(exportRaw(gzipClient, TRACE_EXPORT_PATH, huge), (err: grpc.ServiceError) => {
        assert.equal(err.code, grpc.status.RESOURCE_EXHAUSTED);
        assert.match(err.details, /decompresses to a size larger than/);
        return true;
      });
    } finally {
      gzipClient.close();
    }
  });

  it('refuses malformed protobuf with INVALID_ARGUMENT and a message over the cap with RESOURCE_EXHAUSTED', async () => {
    const errors: number[] = [];
    receiver.onRequestError((e) => errors.push(e.status));
    await assert.rejects(exportRaw(client, TRACE_EXPORT_PATH, Buffer.from([0x0a, 0xff, 0xff, 0x01])), (err: grpc.ServiceError) => err.code === grpc.status.INVALID_ARGUMENT);
    assert.deepEqual(errors, [grpc.status.INVALID_ARGUMENT]);
    const huge = buildRequest([{ traceId: newTraceId(), spanId: newSpanId(), name: 'x'.repeat(300 * 1024) }]);
    await assert.rejects(exportRaw(client, TRACE_EXPORT_PATH, huge), (err: grpc.ServiceError) => err.code === grpc.status.RESOURCE_EXHAUSTED);
    assert.equal(store.counts.spansHeld, 0);
  });

  it('accepts and discards metrics and logs exports, and says UNIMPLEMENTED for anything else', async () => {
    const body = Buffer.from([]);
    assert.equal((await exportRaw(client, '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export', body)).length, 0);
    assert.equal((await exportRaw(client, '/opentelemetry.proto.collector.logs.v1.LogsService/Export', body)).length, 0);
    await assert.rejects(exportRaw(client, '/some.Other/Method', body), (err: grpc.ServiceError) => err.code === grpc.status.UNIMPLEMENTED);
  });

  it('says which setting to change when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const second = new OtlpGrpcReceiver(new SpanStore(), { port });
    try {
      await assert.rejects(second.start(), (err: unknown) => {
        assert.ok(err instanceof PortInUseError);
        assert.equal(err.port, port);
        assert.equal(err.setting, 'traceLens.local.grpcPort');
        assert.match(err.message, /OTLP\/gRPC receiver could not start.*traceLens\.local\.grpcPort/);
        return true;
      });
    } finally {
      second.dispose();
      blocker.close();
    }
  });
});
