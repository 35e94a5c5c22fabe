/*
 * The load generator of the receiver benchmark, run as a separate process so
 * the receiving process measures only its own work. It builds distinct SDK
 * spans first (not timed), tells the parent it is ready, then posts them as
 * OTLP/protobuf batches with a few requests in flight, like a busy service's
 * BatchSpanProcessor, and reports the elapsed time.
 * Protocol (IPC): child → {type:'ready', batches, spans, bytes}; parent → {type:'go'};
 * child → {type:'done', spans, ms, failures}.
 */
import { Agent, request } from 'node:http';
import { generateSdkSpans, toOtlpProtobuf } from './receiverLoadSpans';

interface Go {
  type: 'go';
}

async function main(): Promise<void> {
  const [portArg, spansArg, batchArg, concurrencyArg] = process.argv.slice(2);
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
  const post = (body: Buffer): Promise<void> =>
    new Promise((resolve) => {
      const req = request(
        { host: '127.0.0.1', port, method: 'POST', path: '/v1/traces', agent, headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length } },
        (res) => {
          if (res.statusCode !== 200) failures++;
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', () => {
        failures++;
        resolve();
      });
      req.end(body);
    });
  const worker = async (): Promise<void> => {
    while (next < bodies.length) await post(bodies[next++]);
  };
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  agent.destroy();
  process.send?.({ type: 'done', spans: total, ms, failures });
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
