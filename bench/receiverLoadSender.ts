/*
 * The load generator of the receiver benchmark, run as a separate process so
 * the receiving process measures only its own work. It builds distinct SDK
 * spans first (not timed), tells the parent it is ready, then posts them as
 * OTLP/protobuf batches with a few requests in flight, like a busy service's
 * BatchSpanProcessor, and reports the elapsed time. Over OTLP/HTTP (POST /v1/traces) or
 * OTLP/gRPC (TraceService/Export through @grpc/grpc-js, the same bytes as an SDK's gRPC exporter).
 * Arguments: port, spans, batch size, requests in flight, protocol (`http`, default, or `grpc`).
 * Protocol (IPC): child → {type:'ready', batches, spans, bytes}; parent → {type:'go'};
 * child → {type:'done', spans, ms, failures, deferred}: `deferred` exports were answered with OTLP's
 * throttling answer and sent again after the delay asked for, as SDK exporters do.
 */
import { Agent, request } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import { TRACE_EXPORT_PATH } from '../src/core/receiver/otlpGrpcReceiver';
import { generateSdkSpans, toOtlpProtobuf } from './receiverLoadSpans';

interface Go {
  type: 'go';
}

async function main(): Promise<void> {
  const [portArg, spansArg, batchArg, concurrencyArg, protocolArg] = process.argv.slice(2);
  const port = Number(portArg);
  const total = Number(spansArg);
  const batchSize = Number(batchArg ?? 512);
  const concurrency = Number(concurrencyArg ?? 4);

  const bodies: Buffer[] = [];
  let bytes = 0;
  // Generated in slices so the SDK objects of one slice can be collected before the next.
  for (let made = 0; made < total; ) {
    const slice = Math.min(20_000, total - made);
    const spans = await generateSdkSpans(slice);
    for (let i = 0; i < spans.length; i += batchSize) {
      const body = Buffer.from(toOtlpProtobuf(spans.slice(i, i + batchSize)));
      bytes += body.length;
      bodies.push(body);
    }
    made += slice;
  }
  process.send?.({ type: 'ready', batches: bodies.length, spans: total, bytes });
  await new Promise<void>((resolve) => process.once('message', (m: Go) => m.type === 'go' && resolve()));

  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  let failures = 0;
  // One HTTP/2 connection with several streams, as an SDK's gRPC exporter uses; connected before the clock starts.
  const grpcClient = protocolArg === 'grpc' ? new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) : undefined;
  if (grpcClient) await new Promise<void>((resolve, reject) => grpcClient.waitForReady(Date.now() + 10_000, (err) => (err ? reject(err) : resolve())));
  let deferred = 0;
  /** 'retry' after this many ms: the receiver deferred the export (503 Retry-After, gRPC UNAVAILABLE), as OTLP throttles. */
  type Outcome = 'ok' | 'failed' | { retryAfterMs: number };
  const exportGrpc = (client: grpc.Client, body: Buffer): Promise<Outcome> =>
    new Promise((resolve) => {
      client.makeUnaryRequest(TRACE_EXPORT_PATH, (b: Buffer) => b, (b: Buffer) => b, body, (err) => {
        resolve(!err ? 'ok' : err.code === grpc.status.UNAVAILABLE ? { retryAfterMs: 1000 } : 'failed');
      });
    });
  const postHttp = (body: Buffer): Promise<Outcome> =>
    new Promise((resolve) => {
      const req = request(
        { host: '127.0.0.1', port, method: 'POST', path: '/v1/traces', agent, headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length } },
        (res) => {
          const retryAfter = Number(res.headers['retry-after'] ?? 1);
          res.resume();
          res.on('end', () => resolve(res.statusCode === 200 ? 'ok' : res.statusCode === 503 ? { retryAfterMs: 1000 * retryAfter } : 'failed'));
        },
      );
      req.on('error', () => resolve('failed'));
      req.end(body);
    });
  const worker = async (): Promise<void> => {
    while (next < bodies.length) {
      const body = bodies[next++];
      for (;;) {
        const outcome = await (grpcClient ? exportGrpc(grpcClient, body) : postHttp(body));
        if (outcome === 'ok') break;
        if (outcome === 'failed') {
          failures++;
          break;
        }
        // As an SDK's exporter does with OTLP's throttling answer: the same export again, after the delay the receiver asked for.
        deferred++;
        await new Promise((resolve) => setTimeout(resolve, outcome.retryAfterMs));
      }
    }
  };
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  agent.destroy();
  grpcClient?.close();
  process.send?.({ type: 'done', spans: total, ms, failures, deferred });
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
