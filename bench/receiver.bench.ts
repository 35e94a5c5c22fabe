/*
 * `receiver ingest`: OTLP/protobuf spans per second from a separate process over
 * loopback into the receiver and its bounded store, sending several times more
 * spans than maxSpans so eviction runs; peak RSS of this (receiving) process is
 * sampled throughout and bytes per held span measured after a GC.
 * `receiver ingest ÷ Jaeger ingest`: the same load into Jaeger v2 (the approved build, an
 * OpenTelemetry Collector distribution, memory store bounded to the same number of spans),
 * interleaved with receiver rounds so a neighbour's burst hits both alike; over OTLP/HTTP (the
 * budget) and over OTLP/gRPC, with each side's CPU seconds and peak RSS.
 * The receiver and its store are measured as they ship: bundled and minified by esbuild, as the
 * build bundles them into the extension (under tsx every use of an imported constant is a getter
 * call, which made the decoder ~20% slower than the product).
 * Standalone: npx tsx bench/receiver.bench.ts
 */
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as esbuild from 'esbuild';
import type { OtlpGrpcReceiver as OtlpGrpcReceiverClass } from '../src/core/receiver/otlpGrpcReceiver';
import type { OtlpHttpReceiver as OtlpHttpReceiverClass } from '../src/core/receiver/otlpHttpReceiver';
import type { SpanStore as SpanStoreClass } from '../src/core/receiver/spanStore';
import type { decodeOtlpProtobuf as decodeOtlpProtobufFunction } from '../src/core/receiver/otlpProtobufDecoder';
import { procStat, residentBytes } from '../test/backends/harness/procStat';
import { startJaeger } from '../test/backends/harness/servers';
import type { BenchRow } from './benchRow';
import { LoadSender, type LoadDone, type LoadProtocol, type LoadReady } from './receiverLoadProcess';
import { gcFunction, median } from './hostMeasures';
import { generateSdkSpans, toOtlpProtobuf } from './receiverLoadSpans';

// Overridable to check that peak RSS does not grow with the number of spans sent.
const MAX_SPANS = Number(process.env.RECEIVER_BENCH_MAX_SPANS ?? 50_000);
const SPANS_SENT = Number(process.env.RECEIVER_BENCH_SPANS ?? 300_000);
const BATCH = 512;
const CONCURRENCY = 4;
const BUDGET_SPANS_PER_S = 50_000;
/** The load generator makes traces of 10 spans: Jaeger's store is bounded in traces. */
const SPANS_PER_TRACE = 10;
const COMPARISON_ROUNDS = 3;


interface ShippedReceiver {
  OtlpHttpReceiver: typeof OtlpHttpReceiverClass;
  OtlpGrpcReceiver: typeof OtlpGrpcReceiverClass;
  SpanStore: typeof SpanStoreClass;
  decodeOtlpProtobuf: typeof decodeOtlpProtobufFunction;
}

/** The HTTP receiver and the span store from one esbuild bundle, built as the extension's is. */
async function shippedReceiver(): Promise<ShippedReceiver> {
  const root = path.resolve(__dirname, '..');
  const outfile = path.join(mkdtempSync(path.join(tmpdir(), 'trace-lens-bench-receiver-')), 'receiver.js');
  await esbuild.build({
    stdin: {
      contents: [
        `export { OtlpHttpReceiver } from './src/core/receiver/otlpHttpReceiver';`,
        `export { OtlpGrpcReceiver } from './src/core/receiver/otlpGrpcReceiver';`,
        `export { SpanStore } from './src/core/receiver/spanStore';`,
        `export { decodeOtlpProtobuf } from './src/core/receiver/otlpProtobufDecoder';`,
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: true, outfile, logLevel: 'silent',
  });
  return (await import(outfile)) as ShippedReceiver;
}

async function ingestRun({ OtlpHttpReceiver, SpanStore }: ShippedReceiver): Promise<BenchRow[]> {
  const gc = gcFunction();
  const store = new SpanStore({ maxSpans: MAX_SPANS });
  const receiver = new OtlpHttpReceiver(store, { port: 0 });
  const { port } = await receiver.start();
  try {
    let heapBefore = 0;
    let rssBefore = 0;
    const { ready, done, peakRss, p99: delayP99 } = await measuredLoad({ port, protocol: 'http' }, () => process.memoryUsage().rss, ownCpuSeconds, () => {
      gc();
      heapBefore = process.memoryUsage().heapUsed;
      rssBefore = process.memoryUsage().rss;
    });
    gc();
    const heapAfter = process.memoryUsage().heapUsed;
    const rssAfterGc = process.memoryUsage().rss;
    const counts = store.counts;
    const spansPerSecond = Math.round(done.spans / (done.ms / 1000));
    const bytesPerSpan = Math.round((heapAfter - heapBefore) / Math.max(1, counts.spansHeld));
    const bounded = counts.spansHeld <= MAX_SPANS;
    const note =
      `${done.spans} spans (${(ready.bytes / 1e6).toFixed(1)} MB OTLP/protobuf, ${ready.batches} requests of ${BATCH}, ${CONCURRENCY} in flight) ` +
      `from a child process in ${done.ms.toFixed(0)} ms, ${done.failures} failed; store maxSpans ${MAX_SPANS}: holds ${counts.spansHeld} spans / ${counts.tracesHeld} traces, ` +
      `evicted ${counts.tracesEvicted} traces; receiving process RSS ${(rssBefore / 1e6).toFixed(0)} MB before, peak ${(peakRss / 1e6).toFixed(0)} MB, ${(rssAfterGc / 1e6).toFixed(0)} MB after GC; ` +
      `heap per held span ≈ ${bytesPerSpan} B (store's estimate ${Math.round(counts.bytesHeld / Math.max(1, counts.spansHeld))} B); event-loop delay p99 ${delayP99.toFixed(0)} ms; ` +
      `1-min load average ${loadavg()[0].toFixed(1)}`;
    return [
      {
        name: 'receiver ingest',
        value: spansPerSecond,
        unit: 'spans/s',
        budget: `≥ ${BUDGET_SPANS_PER_S} spans/s`,
        ok: spansPerSecond >= BUDGET_SPANS_PER_S && done.failures === 0 && bounded,
        note,
      },
      {
        name: 'receiver peak RSS',
        value: Math.round(peakRss / 1e6),
        unit: 'MB',
        budget: `bounded by local.maxSpans (${MAX_SPANS})`,
        ok: bounded,
        note: `${SPANS_SENT / MAX_SPANS}× maxSpans sent; spans held ${counts.spansHeld} ≤ ${MAX_SPANS}`,
      },
    ];
  } finally {
    await receiver.stop();
    store.dispose();
  }
}

/** Every receiver row: the single ingest run, then the comparison with Jaeger. */
export async function run(): Promise<BenchRow[]> {
  const shipped = await shippedReceiver();
  const rows = await ingestRun(shipped);
  rows.push(...(await compareWithJaeger(shipped)));
  return rows;
}

/** Samples a process's resident set every 20 ms while `work` runs; its peak in bytes. */
async function peakRssWhile<T>(rss: () => number | undefined, work: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = rss() ?? 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rss() ?? 0);
  }, 20);
  try {
    const result = await work();
    peak = Math.max(peak, rss() ?? 0);
    return { result, peak };
  } finally {
    clearInterval(sampler);
  }
}

interface Round {
  sps: number;
  cpu: number;
  /** This process's event-loop delay while the load ran (meaningful for the receiver's rounds). */
  p99: number;
  peakRss: number;
  failures: number;
}

const ownCpuSeconds = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};

/**
 * One load of SPANS_SENT spans: the generator builds them first, then everything is measured from
 * its `go` to the last acknowledgement (not while it builds): spans/s, the receiving side's CPU and
 * peak RSS, and this process's event-loop delay.
 */
async function measuredLoad(
  target: { port: number; protocol: LoadProtocol },
  rss: () => number | undefined,
  cpuSeconds: () => number,
  onReady: () => void = () => undefined,
): Promise<Round & { ready: LoadReady; done: LoadDone }> {
  const sender = new LoadSender({ ...target, spans: SPANS_SENT, batch: BATCH, concurrency: CONCURRENCY });
  try {
    const ready = await sender.ready;
    onReady();
    const delay = monitorEventLoopDelay({ resolution: 10 });
    const cpu0 = cpuSeconds();
    delay.enable();
    const { result, peak } = await peakRssWhile(rss, () => sender.go());
    delay.disable();
    return { sps: result.spans / (result.ms / 1000), cpu: cpuSeconds() - cpu0, p99: delay.percentile(99) / 1e6, peakRss: peak, failures: result.failures, ready, done: result };
  } finally {
    sender.kill();
  }
}

/** Receiver and Jaeger rounds over OTLP/HTTP, then over OTLP/gRPC, interleaved; spans/s, CPU seconds and peak RSS of each receiving side. */
async function compareWithJaeger({ OtlpHttpReceiver, OtlpGrpcReceiver, SpanStore, decodeOtlpProtobuf }: ShippedReceiver): Promise<BenchRow[]> {
  const jaeger = await startJaeger({ maxTraces: MAX_SPANS / SPANS_PER_TRACE });
  try {
    const jaegerPid = jaeger.serverPid();
    const jaegerCpuSeconds = (): number => (jaegerPid === undefined ? NaN : (procStat(jaegerPid)?.cpuSeconds ?? NaN));
    const rows: BenchRow[] = [];
    for (const protocol of ['http', 'grpc'] as const) {
      const jaegerPort = protocol === 'http' ? Number(new URL(jaeger.otlpHttpUrl ?? '').port) : (jaeger.otlpGrpcPort ?? 0);
      const ours: Round[] = [];
      const theirs: Round[] = [];
      for (let round = 0; round < COMPARISON_ROUNDS; round++) {
        const store = new SpanStore({ maxSpans: MAX_SPANS });
        const receiver = protocol === 'http' ? new OtlpHttpReceiver(store, { port: 0 }) : new OtlpGrpcReceiver(store, { port: 0 });
        const { port } = await receiver.start();
        const r = await measuredLoad({ port, protocol }, () => process.memoryUsage().rss, ownCpuSeconds);
        ours.push(r);
        await receiver.stop();
        store.dispose();
        const j = await measuredLoad({ port: jaegerPort, protocol }, () => (jaegerPid === undefined ? undefined : residentBytes(jaegerPid)), jaegerCpuSeconds);
        theirs.push(j);
        if (r.failures > 0 || j.failures > 0) throw new Error(`${protocol}: ${r.failures} of the receiver's and ${j.failures} of Jaeger's requests failed`);
      }
      const ratio = median(ours.map((x) => x.sps)) / median(theirs.map((x) => x.sps));
      const list = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(' / ');
      const cpus = (xs: Round[]) => xs.map((x) => x.cpu.toFixed(2)).join(' / ');
      const mb = (xs: Round[]) => xs.map((x) => (x.peakRss / 1e6).toFixed(0)).join(' / ');
      const label = protocol === 'http' ? 'OTLP/HTTP' : 'OTLP/gRPC';
      rows.push({
        name: `receiver ingest ÷ Jaeger ingest, ${label} (same load, both bounded)`,
        value: Math.round(ratio * 100) / 100,
        unit: '×',
        // The budget is set on OTLP/HTTP; gRPC is reported beside it.
        budget: protocol === 'http' ? '≥ 1.0' : 'for comparison',
        ok: protocol === 'http' ? ratio >= 1 : true,
        note:
          `Jaeger ${jaeger.version} all-in-one, memory store max_traces ${MAX_SPANS / SPANS_PER_TRACE} (${MAX_SPANS} spans), each request stored before its answer; ` +
          `${COMPARISON_ROUNDS} interleaved rounds of ${SPANS_SENT} spans over ${label}: receiver ${list(ours.map((x) => x.sps))} spans/s, CPU ${cpus(ours)} s, peak RSS ${mb(ours)} MB (the whole bench process); ` +
          `Jaeger ${list(theirs.map((x) => x.sps))} spans/s, CPU ${cpus(theirs)} s, peak RSS ${mb(theirs)} MB; medians compared; 1-min load average ${loadavg()[0].toFixed(1)}`,
      });
      if (protocol === 'http') {
        rows.push(await decodingAloneRow(decodeOtlpProtobuf, median(theirs.map((x) => x.sps))));
        const p99 = median(ours.map((x) => x.p99));
        rows.push({
          name: 'receiver event-loop delay p99 under that load (receiver and store alone)',
          value: Math.round(p99),
          unit: 'ms',
          budget: '≤ 50 ms',
          ok: p99 <= 50,
          note: `decode and store on the thread that receives (the extension host's, in the product, where the statistics, live lint and snapshot also run: test/integration/receiverLoad.test.ts measures that); rounds ${ours.map((x) => x.p99.toFixed(0)).join(' / ')} ms`,
        });
      }
    }
    return rows;
  } finally {
    await jaeger.stop();
  }
}

/** SDK spans decoded for the row below, as many as the store holds in the comparison. */
const DECODED_SPANS = MAX_SPANS;

/**
 * The receiver's decoder alone, on one thread, over the generator's requests (SDK-made, 512 spans
 * each), against Jaeger's whole ingest (HTTP, decode, store) in the rounds above: the most any
 * receiver can take that builds span objects at receipt on one thread, as the store and everything
 * reading it need today. The spans of the last pass stay referenced while the next is decoded, as
 * a store full of them would hold them, so the collector's cost of keeping them is counted.
 */
async function decodingAloneRow(decode: typeof decodeOtlpProtobufFunction, jaegerSps: number): Promise<BenchRow> {
  const spans = await generateSdkSpans(DECODED_SPANS, SPANS_PER_TRACE);
  const requests: Uint8Array[] = [];
  for (let i = 0; i < spans.length; i += BATCH) requests.push(toOtlpProtobuf(spans.slice(i, i + BATCH)));
  let held: unknown[][] = [];
  const rates: number[] = [];
  for (let pass = 0; pass < 5; pass++) {
    const decoded: unknown[][] = [];
    const t0 = performance.now();
    for (const request of requests) decoded.push(decode(request).spans);
    rates.push(spans.length / ((performance.now() - t0) / 1000));
    held = decoded;
  }
  const sps = median(rates);
  return {
    name: 'receiver: its decoder alone on one thread ÷ Jaeger ingest, OTLP/HTTP',
    value: Math.round((sps / jaegerSps) * 100) / 100,
    unit: '×',
    budget: 'for comparison',
    // Every span of every request came out of the decoder.
    ok: held.reduce((n, batch) => n + batch.length, 0) === spans.length,
    note: `${spans.length} SDK spans in ${requests.length} requests decoded into span objects (no HTTP, no store): ${rates.map((r) => (r / 1000).toFixed(0)).join(' / ')}k spans/s, median ${(sps / 1000).toFixed(0)}k, ` +
      `against Jaeger's ${(jaegerSps / 1000).toFixed(0)}k spans/s for its whole ingest above; below 1.0, building span objects at receipt on one thread cannot reach Jaeger's rate whatever the rest costs`,
  };
}

if (require.main === module) {
  void run().then((rows) => {
    for (const r of rows) console.log(`${r.name}: ${r.value} ${r.unit} (budget ${r.budget}) ${r.ok ? 'OK' : 'OVER BUDGET'}\n  ${r.note ?? ''}`);
  });
}
