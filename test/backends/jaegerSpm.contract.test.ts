// Contract: Jaeger's Service Performance Monitoring (monitor API) as JaegerClient reads it, against a
// real Jaeger 2.12.0 (spanmetrics connector → prometheus exporter) and a real Prometheus scraping it.
// Thousands of spans with skewed latencies go through the OpenTelemetry SDK; the client's full-window
// p50/p95/p99, calls and errors are compared with the exact values of what was sent, within the
// bucket tolerance the hover states. Every wait is on state (Prometheus holds the counts, the API
// answers, each series has enough scrapes), never a fixed sleep.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import assert from 'node:assert/strict';
import type { JaegerClient } from '../../src/core/backends/jaegerClient';
import type { LatencyQuantiles } from '../../src/core/model/latencyQuantiles';
import type { TraceBackend } from '../../src/core/backends/traceBackend';
import { locateOperations, statsFromServerQuantiles } from '../../src/core/stats/serverQuantiles';
import { quantileMethodText } from '../../src/core/stats/statsBasis';
import { drawSample } from '../../src/core/stats/traceSampler';
import { Backends } from '../unit/backends/backendContract';
import { exactQuantile, scrapedCalls, skewedDurations, waitForSpmCalls, waitForState } from './harness/latencyLoad';
import { requestedServers, spmBucketRelativeWidth, startJaeger, startJaegerWithSpm, type RunningJaegerSpm, type RunningServer } from './harness/servers';

const SERVICE = 'spm-contract';
const PER_FUNCTION = 1_200;

interface Fn {
  operation: string;
  functionName: string;
  filePath: string;
  /** Typical duration in ms: most calls take 1–2×, a tail 2–5×, a slow tail 5–25×. */
  baseMs: number;
  errorEvery: number;
}

const FUNCTIONS: Fn[] = [
  { operation: 'load cart', functionName: 'loadCart', filePath: 'src/cart.ts', baseMs: 2, errorEvery: 50 },
  { operation: 'price items', functionName: 'priceItems', filePath: 'src/pricing.ts', baseMs: 8, errorEvery: 0 },
  { operation: 'charge card', functionName: 'chargeCard', filePath: 'src/payment.ts', baseMs: 40, errorEvery: 20 },
  { operation: 'ship order', functionName: 'shipOrder', filePath: 'src/shipping.ts', baseMs: 150, errorEvery: 100 },
];

async function sendSpans(otlpHttpUrl: string, spans: Array<{ fn: Fn; durationMs: number; error: boolean }>): Promise<void> {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': SERVICE }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${otlpHttpUrl}/v1/traces` }), maxQueueSize: 20_000, maxExportBatchSize: 1_000 })],
  });
  const tracer = provider.getTracer('trace-lens-spm-contract');
  const endMs = Date.now() - 1_000;
  for (const s of spans) {
    const span = tracer.startSpan(
      s.fn.operation,
      { kind: SpanKind.INTERNAL, startTime: endMs - s.durationMs, attributes: { 'code.function.name': s.fn.functionName, 'code.file.path': s.fn.filePath, 'code.line.number': 10 } },
      ROOT_CONTEXT,
    );
    if (s.error) span.setStatus({ code: SpanStatusCode.ERROR, message: 'declined' });
    span.end(endMs);
  }
  await provider.forceFlush();
  await provider.shutdown();
}

describe('contract: Jaeger Service Performance Monitoring (spanmetrics → Prometheus)', function () {
  this.timeout(900_000);
  let spm: RunningJaegerSpm;
  let plain: RunningServer | undefined;
  const backends = new Backends();
  let client: JaegerClient;
  const sent = new Map<string, { durations: number[]; errors: number }>();
  let rows: LatencyQuantiles[] = [];
  const tolerance = spmBucketRelativeWidth();

  before(async function () {
    if (!requestedServers().includes('jaeger')) this.skip();
    spm = await startJaegerWithSpm();
    const otlp = spm.otlpHttpUrl;
    assert.ok(otlp);
    // Counters start at their first scrape: a series whose first sample already holds the load
    // would show no increase. One OK and one failing call per function make every series exist
    // first (as steady traffic does in production); the load that follows is what the window counts.
    await sendSpans(otlp, FUNCTIONS.flatMap((fn) => [{ fn, durationMs: fn.baseMs, error: false }, { fn, durationMs: fn.baseMs, error: true }]));
    await waitForState('Prometheus to scrape the first calls of every function', async () => {
      const calls = await scrapedCalls(spm.prometheus.queryUrl, SERVICE);
      return FUNCTIONS.every((f) => calls.get(f.operation) === 2) ? true : undefined;
    });
    const load: Array<{ fn: Fn; durationMs: number; error: boolean }> = [];
    FUNCTIONS.forEach((fn, i) => {
      const durations = skewedDurations(fn.baseMs, PER_FUNCTION, 1234 + i);
      let errors = 0;
      durations.forEach((d, j) => {
        const error = fn.errorEvery > 0 && j % fn.errorEvery === 0;
        if (error) errors++;
        load.push({ fn, durationMs: d, error });
      });
      sent.set(fn.operation, { durations, errors });
    });
    await sendSpans(otlp, load);
    await waitForSpmCalls(spm, SERVICE, new Map(FUNCTIONS.map((f) => [f.operation, PER_FUNCTION + 2])));
    client = backends.make({ type: 'jaeger', url: spm.queryUrl }) as JaegerClient;
    // jaeger_query reads the same Prometheus: wait until its answer holds every function with all figures.
    rows = await waitForState('the monitor API to answer every function', async () => {
      const now = Date.now();
      const r = await client.latencyStats({ range: { startMs: now - 3_600_000, endMs: now }, services: [SERVICE] });
      const complete = FUNCTIONS.every((f) => r.some((q) => q.location.spanName === f.operation && q.p50 !== undefined && q.p95 !== undefined && q.p99 !== undefined && (q.count ?? 0) > 0));
      return complete ? r : undefined;
    });
  });

  after(async () => {
    await backends.dispose();
    await spm?.stop();
    await plain?.stop();
  });

  it('detects SPM on the server that has it', async () => {
    assert.equal(await client.hasServicePerformanceMonitoring(), true);
  });

  it('full-window p50/p95/p99 per operation within one bucket of the exact values sent', () => {
    const report: string[] = [];
    for (const fn of FUNCTIONS) {
      const row = rows.find((q) => q.location.spanName === fn.operation);
      assert.ok(row, `a row for ${fn.operation}`);
      assert.equal(row.service, SERVICE);
      assert.equal(row.method, 'prometheus-histogram');
      const { durations } = sent.get(fn.operation)!;
      for (const [name, q, got] of [['p50', 0.5, row.p50], ['p95', 0.95, row.p95], ['p99', 0.99, row.p99]] as const) {
        const exact = exactQuantile(durations, q);
        const gotMs = (got ?? NaN) * 1000;
        const err = Math.abs(gotMs / exact - 1);
        report.push(`${fn.operation} ${name}: ${gotMs.toFixed(3)} ms vs exact ${exact} ms (${(err * 100).toFixed(2)} %)`);
        assert.ok(err <= tolerance + 1e-9, `${fn.operation} ${name}: ${gotMs} ms, exact ${exact} ms, off by ${(err * 100).toFixed(2)} % > ${(tolerance * 100).toFixed(1)} %`);
      }
    }
    console.log(`      bucket tolerance ${(tolerance * 100).toFixed(2)} %\n      ${report.join('\n      ')}`);
  });

  it('calls and errors over the window within the same tolerance (rate × window)', () => {
    const report: string[] = [];
    for (const fn of FUNCTIONS) {
      const row = rows.find((q) => q.location.spanName === fn.operation)!;
      const { errors } = sent.get(fn.operation)!;
      const calls = row.count ?? NaN;
      report.push(`${fn.operation}: calls ${calls} vs ${PER_FUNCTION}, errors ${row.errorCount} vs ${errors}`);
      assert.equal(row.countApproximate, true, 'counts from rates are marked approximate');
      assert.ok(Math.abs(calls / PER_FUNCTION - 1) <= tolerance, `${fn.operation}: ${calls} calls, sent ${PER_FUNCTION}`);
      const errorCount = row.errorCount ?? NaN;
      if (errors === 0) assert.equal(errorCount, 0);
      else assert.ok(Math.abs(errorCount / errors - 1) <= tolerance + 1 / errors, `${fn.operation}: ${errorCount} errors, sent ${errors}`);
    }
    console.log(`      ${report.join('\n      ')}`);
  });

  it('maps operations to the functions of sampled traces and labels them as a server aggregate', async () => {
    const now = Date.now();
    const range = { startMs: now - 3_600_000, endMs: now };
    const backend: TraceBackend = client;
    const spans = [];
    for (const fn of FUNCTIONS) {
      const [found] = await backend.search({ service: SERVICE, operation: fn.operation, range, limit: 1 });
      assert.ok(found, `an example trace of ${fn.operation}`);
      spans.push(...(await backend.getTrace(found.traceId, { range })).spans);
    }
    const located = locateOperations(rows, spans);
    const stats = statsFromServerQuantiles(located, range);
    for (const fn of FUNCTIONS) {
      const s = stats.find((l) => l.location.functionName === fn.functionName);
      assert.ok(s, `statistics placed on ${fn.functionName}`);
      assert.equal(s.location.filePath, fn.filePath);
      assert.equal(s.basis.kind, 'exact');
      assert.equal(s.basis.method, 'prometheus-histogram');
      assert.match(quantileMethodText(s.basis), /Prometheus histogram \(Jaeger SPM\), within one bucket/);
    }
  });

  it('draws a spread sample from the same Jaeger through whole-trace search pages', async () => {
    const now = Date.now();
    const range = { startMs: now - 3_600_000, endMs: now };
    const drawn = await drawSample((service, r, limit, sig) => client.searchTraces({ service, range: r, limit }, sig), [SERVICE], range, { maxRequests: 12 });
    assert.ok(drawn.requests <= 12);
    assert.equal(drawn.failed, 0, 'concurrent searches all answer (one parameter spelling for both)');
    assert.ok(['tight', 'budget'].includes(drawn.stoppedBy), drawn.stoppedBy);
    assert.equal(new Set(drawn.traces.map((t) => t.traceId)).size, drawn.traces.length, 'no trace twice');
    assert.ok(drawn.traces.length >= 20, `sampled ${drawn.traces.length}`);
    assert.ok(drawn.atLeast >= drawn.traces.length);
    console.log(`      ${drawn.traces.length} traces in ${drawn.requests} requests, stopped: ${drawn.stoppedBy}, of ≥ ${drawn.atLeast}`);
  });

  it('falls back without an error on a Jaeger without SPM', async () => {
    plain = await startJaeger();
    const c = backends.make({ type: 'jaeger', url: plain.queryUrl }) as JaegerClient;
    assert.equal(await c.hasServicePerformanceMonitoring(), false);
    const now = Date.now();
    assert.deepEqual(await c.latencyStats({ range: { startMs: now - 3_600_000, endMs: now }, services: [SERVICE] }), []);
  });
});
