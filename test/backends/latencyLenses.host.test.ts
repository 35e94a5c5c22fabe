// Issue 14's "done when": what the lens shows, read inside a real VS Code extension host, against the
// exact figures of every span sent. The harness starts Jaeger 2.12.0 with Service Performance
// Monitoring (spanmetrics → a real Prometheus), Jaeger without SPM and Zipkin 3.6.1; the OpenTelemetry
// SDK sends each the same 1,200 checkout traces (five functions of
// test/workspaces/basic/latency/latencyShop.ts, skewed latencies with a slow tail, spread over the
// last 40 minutes), and the two servers without SPM also 2,000 one-span catalog searches of another
// service, more than the sampler needs, so that its figures come from a true part of the window;
// then test/integration/backendLatency.test.ts runs in the host with the servers' URLs and the exact
// figures in its environment and sets the traceLens.* settings itself. The table of function × source
// × exact vs shown is printed at the end.
//
// Needs `npm run build` first (the host suite is dist/test/integration); `npm test` builds before it.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type HrTime, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runHostSuite } from '../runner/hostSuite';
import { repoRoot } from '../runner/vscodeRuntime';
import { exactQuantile, lognormalDurations, searchableTraces, skewedDurations, waitForSpmCalls, waitForState } from './harness/latencyLoad';
import { requestedServers, spmBucketRelativeWidth, startJaeger, startJaegerWithSpm, startZipkin, type RunningJaegerSpm, type RunningServer } from './harness/servers';

const SERVICE = 'shop-checkout';
const TRACES = 1_200;
const CATALOG_SERVICE = 'shop-catalog';
const CATALOG_TRACES = 2_000;
const FILE = 'latency/latencyShop.ts';
/** Where the service ran: only the suffix rule maps it onto the workspace copy. */
const SPAN_FILE_PATH = `/srv/shop/${FILE}`;
/** Sampled figures must be within this of the exact ones (issue 14: "within 5 %"). */
const SAMPLE_TOLERANCE = 0.05;
const ROW_MARKER = '[latency-truth] ';

interface Fn {
  functionName: string;
  operation: string;
  baseMs: number;
}

/** The children of each checkout, called one after the other; the root is handleCheckout. */
const CHILDREN: Fn[] = [
  { functionName: 'loadCart', operation: 'load cart', baseMs: 2 },
  { functionName: 'priceCart', operation: 'price cart', baseMs: 8 },
  { functionName: 'chargeCard', operation: 'charge card', baseMs: 40 },
  { functionName: 'shipParcel', operation: 'ship parcel', baseMs: 150 },
];
const ROOT: Fn = { functionName: 'handleCheckout', operation: 'POST /checkout', baseMs: 0 };
const CATALOG: Fn = { functionName: 'searchCatalog', operation: 'GET /catalog', baseMs: 20 };
const GAP_US = 100;

/**
 * Times in whole microseconds, given to the SDK as [s, ns]: a float epoch in ms loses sub-µs
 * precision, and Zipkin answers 400 to a fractional-µs timestamp.
 */
function hr(us: number): HrTime {
  return [Math.floor(us / 1e6), (us % 1e6) * 1000];
}

interface Checkout {
  startUs: number;
  /** Per child, in CHILDREN's order (µs resolution). */
  childMs: number[];
  failed: boolean;
}

/** 1-based line of `export … function name` in the workspace file: the code.line.number a span would carry. */
function declarationLines(): Map<string, number> {
  const lines = readFileSync(path.join(repoRoot, 'test/workspaces/basic', FILE), 'utf8').split('\n');
  const out = new Map<string, number>();
  for (const fn of [ROOT, ...CHILDREN, CATALOG]) {
    const i = lines.findIndex((l) => new RegExp(`function ${fn.functionName}\\(`).test(l));
    assert.ok(i >= 0, `${fn.functionName} is declared in ${FILE}`);
    out.set(fn.functionName, i + 1);
  }
  return out;
}

function us(ms: number): number {
  return Math.round(ms * 1000);
}

function rootMs(c: Checkout): number {
  return (c.childMs.reduce((sum, d) => sum + us(d), 0) + GAP_US * (c.childMs.length + 1)) / 1000;
}

function plan(windowStartMs: number, windowEndMs: number): Checkout[] {
  const durations = CHILDREN.map((fn, i) => skewedDurations(fn.baseMs, TRACES, 4242 + i));
  const step = (windowEndMs - windowStartMs) / TRACES;
  return Array.from({ length: TRACES }, (_, i) => ({
    startUs: us(Math.round(windowStartMs + i * step)),
    childMs: CHILDREN.map((_fn, j) => durations[j][i]),
    failed: i % 25 === 0,
  }));
}

function emit(tracer: Tracer, c: Checkout, lines: Map<string, number>): void {
  const attrs = (fn: Fn) => ({ 'code.file.path': SPAN_FILE_PATH, 'code.function.name': fn.functionName, 'code.line.number': lines.get(fn.functionName)! });
  const root = tracer.startSpan(ROOT.operation, { kind: SpanKind.SERVER, startTime: hr(c.startUs), attributes: attrs(ROOT) }, ROOT_CONTEXT);
  const ctx = trace.setSpan(ROOT_CONTEXT, root);
  let at = c.startUs + GAP_US;
  CHILDREN.forEach((fn, j) => {
    const span = tracer.startSpan(fn.operation, { kind: SpanKind.INTERNAL, startTime: hr(at), attributes: attrs(fn) }, ctx);
    if (c.failed && fn.functionName === 'chargeCard') span.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
    at += us(c.childMs[j]);
    span.end(hr(at));
    at += GAP_US;
  });
  if (c.failed) root.setStatus({ code: SpanStatusCode.ERROR });
  root.end(hr(c.startUs + us(rootMs(c))));
}

/** Sends through the real SDK and waits until every exporter has delivered (forceFlush rejects on a failed export). */
async function send(service: string, processors: SpanProcessor[], emitAll: (tracer: Tracer) => void): Promise<void> {
  const provider = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors: processors });
  emitAll(provider.getTracer('trace-lens-latency-lenses'));
  await provider.forceFlush();
  await provider.shutdown();
}

/** One-span traces of searchCatalog, evenly spread from `startMs` to `endMs`. */
function emitCatalog(tracer: Tracer, durationsMs: number[], startMs: number, endMs: number, lines: Map<string, number>): void {
  const step = (endMs - startMs) / durationsMs.length;
  const attributes = { 'code.file.path': SPAN_FILE_PATH, 'code.function.name': CATALOG.functionName, 'code.line.number': lines.get(CATALOG.functionName)! };
  durationsMs.forEach((d, i) => {
    const start = us(Math.round(startMs + i * step));
    tracer.startSpan(CATALOG.operation, { kind: SpanKind.SERVER, startTime: hr(start), attributes }, ROOT_CONTEXT).end(hr(start + us(d)));
  });
}

function batch(exporter: ConstructorParameters<typeof BatchSpanProcessor>[0]['exporter']): SpanProcessor {
  return new BatchSpanProcessor({ exporter, maxQueueSize: 20_000, maxExportBatchSize: 1_000 });
}

interface Row {
  run: string;
  exact: { functionName: string; p50: number; p95: number; p99: number; calls: number };
  shown: { title: string; p50: { ms: number }; p95?: { ms: number }; p99?: { ms: number }; calls: number; callsApproximate: boolean; sampleTraces?: number; ofAtLeast?: number };
  method?: string;
}

function table(rows: Row[]): string {
  const ms = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
  const diff = (shown: number, exact: number): string => ` (${shown >= exact ? '+' : ''}${((shown / exact - 1) * 100).toFixed(1)} %)`;
  // A percentile the lens does not show as a number: what it says instead.
  const instead = (r: Row, q: string): string => new RegExp(`${q} ([^·]+) ·`).exec(r.shown.title)?.[1].trim() ?? '–';
  const cell = (r: Row, q: 'p50' | 'p95' | 'p99'): string => {
    const shown = r.shown[q]?.ms;
    return `${ms(r.exact[q])} / ${shown === undefined ? instead(r, q) : `${ms(shown)}${diff(shown, r.exact[q])}`}`;
  };
  const header = ['function', 'source (service)', 'p50 ms exact / shown', 'p95 ms exact / shown', 'p99 ms exact / shown', 'calls exact / shown (label)'];
  const body = rows.map((r) => {
    const label = r.shown.sampleTraces !== undefined ? `sample of ${r.shown.sampleTraces} traces${r.shown.ofAtLeast !== undefined ? ` of ≥ ${r.shown.ofAtLeast}` : ''}` : r.shown.callsApproximate ? 'all calls, from a rate' : 'all calls';
    return [r.exact.functionName, r.run, cell(r, 'p50'), cell(r, 'p95'), cell(r, 'p99'), `${r.exact.calls} / ${r.shown.callsApproximate ? '~' : ''}${r.shown.calls} (${label})`];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

describe('lenses inside VS Code against real Jaeger (with and without SPM) and Zipkin', function () {
  this.timeout(1_800_000);
  let spm: RunningJaegerSpm | undefined;
  let plain: RunningServer | undefined;
  let zipkin: RunningServer | undefined;

  after(async () => {
    await Promise.all([spm?.stop(), plain?.stop(), zipkin?.stop()]);
  });

  it('shows full-window figures from SPM within one bucket and sampled ones within 5 %, labelled as a sample', async function () {
    // It needs both servers; TRACE_LENS_BACKENDS narrows the set where one cannot be built.
    if (!['jaeger', 'zipkin'].every((n) => requestedServers().includes(n as 'jaeger' | 'zipkin'))) this.skip();
    assert.ok(existsSync(path.join(repoRoot, 'dist/test/integration/backendLatency.test.js')), 'the host suite is built: run `npm run build` first');
    // Settled, not all: when one fails to start, after() must still stop those that did, or their
    // processes keep this run alive.
    const [a, b, c] = await Promise.allSettled([startJaegerWithSpm(), startJaeger(), startZipkin()]);
    spm = a.status === 'fulfilled' ? a.value : undefined;
    plain = b.status === 'fulfilled' ? b.value : undefined;
    zipkin = c.status === 'fulfilled' ? c.value : undefined;
    for (const r of [a, b, c]) if (r.status === 'rejected') throw r.reason;
    assert.ok(spm && plain && zipkin);
    assert.ok(spm.otlpHttpUrl && plain.otlpHttpUrl && zipkin.zipkinIngestUrl);
    const lines = declarationLines();
    const now = Date.now();
    // Spread over 40 minutes ending a minute ago: time slices matter to the sampler, and the window
    // the extension asks for later (the last hour, minutes from now) still holds every trace.
    const checkouts = plan(now - 40 * 60_000, now - 60_000);

    // Counters start at their first scrape: a series whose first sample already holds the load would
    // show no increase. One failing and one good checkout to SPM only make every series (one per
    // status) exist first, as steady traffic does in production; the load that follows is what the
    // window counts.
    const warmUp = [true, false].map((failed) => ({ startUs: us(now - 30 * 60_000), childMs: CHILDREN.map((f) => f.baseMs), failed }));
    await send(SERVICE, [batch(new OTLPTraceExporter({ url: `${spm.otlpHttpUrl}/v1/traces` }))], (t) => warmUp.forEach((c) => emit(t, c, lines)));
    const ops = [ROOT, ...CHILDREN].map((f) => f.operation);
    await waitForSpmCalls(spm, SERVICE, new Map(ops.map((op) => [op, warmUp.length])));

    await send(
      SERVICE,
      [
        batch(new OTLPTraceExporter({ url: `${spm.otlpHttpUrl}/v1/traces` })),
        batch(new OTLPTraceExporter({ url: `${plain.otlpHttpUrl}/v1/traces` })),
        batch(new ZipkinExporter({ url: zipkin.zipkinIngestUrl })),
      ],
      (t) => checkouts.forEach((c) => emit(t, c, lines)),
    );
    const catalog = lognormalDurations(CATALOG.baseMs, CATALOG_TRACES, 777);
    await send(
      CATALOG_SERVICE,
      [batch(new OTLPTraceExporter({ url: `${plain.otlpHttpUrl}/v1/traces` })), batch(new ZipkinExporter({ url: zipkin.zipkinIngestUrl }))],
      (t) => emitCatalog(t, catalog, now - 40 * 60_000, now - 60_000, lines),
    );
    const range = { startMs: now - 3_600_000, endMs: Date.now() };
    const stored = (server: RunningServer, service: string, n: number) =>
      waitForState(`${server.name} to return every trace of ${service}`, async () => ((await searchableTraces(server, service, range, n)) >= n ? true : undefined));
    await Promise.all([
      waitForSpmCalls(spm, SERVICE, new Map(ops.map((op) => [op, TRACES + warmUp.length]))),
      stored(plain, SERVICE, TRACES),
      stored(zipkin, SERVICE, TRACES),
      stored(plain, CATALOG_SERVICE, CATALOG_TRACES),
      stored(zipkin, CATALOG_SERVICE, CATALOG_TRACES),
    ]);

    const exact = (fn: Fn, values: number[]) => ({ functionName: fn.functionName, p50: exactQuantile(values, 0.5), p95: exactQuantile(values, 0.95), p99: exactQuantile(values, 0.99), calls: values.length });
    const checkoutFigures = [exact(ROOT, checkouts.map(rootMs)), ...CHILDREN.map((fn, j) => exact(fn, checkouts.map((c) => c.childMs[j])))];
    const catalogFigures = [exact(CATALOG, catalog)];
    const truth = {
      file: FILE,
      bucketTolerance: spmBucketRelativeWidth(spm.bucketsMs),
      sampleTolerance: SAMPLE_TOLERANCE,
      runs: [
        { name: 'Jaeger + SPM', type: 'jaeger', url: spm.queryUrl, service: SERVICE, aggregate: true, functions: checkoutFigures },
        { name: 'Jaeger, no SPM', type: 'jaeger', url: plain.queryUrl, service: SERVICE, aggregate: false, functions: checkoutFigures },
        { name: 'Zipkin', type: 'zipkin', url: zipkin.queryUrl, service: SERVICE, aggregate: false, functions: checkoutFigures },
        { name: 'Jaeger, no SPM', type: 'jaeger', url: plain.queryUrl, service: CATALOG_SERVICE, aggregate: false, partial: true, functions: catalogFigures },
        { name: 'Zipkin', type: 'zipkin', url: zipkin.queryUrl, service: CATALOG_SERVICE, aggregate: false, partial: true, functions: catalogFigures },
      ],
    };

    const result = await runHostSuite({
      workspace: path.join(repoRoot, 'test/workspaces/basic'),
      env: { TRACE_LENS_HOST_TESTS: 'backendLatency', TRACE_LENS_TEST_LATENCY_TRUTH: JSON.stringify(truth) },
      timeoutMs: 25 * 60_000,
      screenshot: path.join(repoRoot, 'test-results/latency-lenses-workbench.png'),
    });
    const rows = result.output.filter((l) => l.startsWith(ROW_MARKER)).map((l) => JSON.parse(l.slice(ROW_MARKER.length)) as Row);
    console.log(`\n      Tolerances: SPM ${(truth.bucketTolerance * 100).toFixed(2)} % (one bucket), samples ${SAMPLE_TOLERANCE * 100} %; exact = nearest rank of every value sent\n`);
    console.log(table(rows).replace(/^/gm, '      '));
    const summary = result.output.find((l) => /^\d+ passed, \d+ failed$/.test(l));
    assert.equal(result.exitCode, 0, `the host suite failed (${summary ?? 'no summary'})`);
    assert.equal(summary, `${truth.runs.length} passed, 0 failed`);
    assert.equal(rows.length, truth.runs.reduce((n, r) => n + r.functions.length, 0), 'a row per function and source');
  });
});
