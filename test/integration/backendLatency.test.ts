import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { setGlobal, traceLensHover, waitFor, workspaceFile } from './support';

// The lens against real servers: test/backends/latencyLenses.host.test.ts starts Jaeger with SPM (and
// its Prometheus), Jaeger without SPM and Zipkin, sends them the same SDK spans, and passes their URLs
// and the exact figures of what it sent in TRACE_LENS_TEST_LATENCY_TRUTH. This suite points the
// extension at each server in turn through the settings a user would set, reads what the lens and
// hover show, and compares: SPM within one histogram bucket, samples within 5 %. Without that
// variable (the plain `npm run test:integration` run, which starts no server) it is skipped.
const EXTENSION_ID = 'trace-lens.trace-lens';
/** Lines the outer test collects from the host console to print the table. */
const ROW_MARKER = '[latency-truth] ';

interface Exact {
  functionName: string;
  p50: number;
  p95: number;
  p99: number;
  calls: number;
}

/** One server and service: the lens of each function is read once the server is set. */
interface Run {
  name: string;
  type: 'jaeger' | 'zipkin';
  url: string;
  service: string;
  /** Server aggregate (SPM): every call counted; otherwise a sample of traces. */
  aggregate: boolean;
  /** The window holds more traces than the sampler needs: the sample must be a true part of it. */
  partial?: boolean;
  functions: Exact[];
}

interface Truth {
  /** Workspace-relative path of the file whose functions the spans name. */
  file: string;
  bucketTolerance: number;
  sampleTolerance: number;
  runs: Run[];
}

interface ShownFigure {
  ms: number;
  /** Half a unit of the last of the three significant digits the lens prints, in ms. */
  roundingMs: number;
}

interface Shown {
  title: string;
  p50: ShownFigure;
  p95?: ShownFigure;
  p99?: ShownFigure;
  calls: number;
  callsApproximate: boolean;
  sampleTraces?: number;
  ofAtLeast?: number;
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, 'µs': 1e-3, ms: 1, s: 1000, min: 60_000 };
const FIGURE = '~?([\\d.]+) (ns|µs|ms|s|min)';
/** What the lens says instead of a percentile the values cannot support (statsBasis.missingQuantileText). */
const NOT_SHOWN = 'needs ≥ \\d+ samples|uncertain \\([^)]*\\)';

function figure(value: string | undefined, unit: string | undefined): ShownFigure | undefined {
  if (value === undefined || unit === undefined) return undefined;
  const v = Number(value);
  // formatDuration prints three significant digits and drops trailing zeros.
  const half = v >= 100 ? 0.5 : v >= 10 ? 0.05 : 0.005;
  return { ms: v * UNIT_MS[unit], roundingMs: half * UNIT_MS[unit] };
}

/**
 * Reads the default lens template: `p50 ~2.9 ms · p95 ~9.8 ms · p99 ~41 ms · last 1h · ~1,200 calls · 4% errors`,
 * or `p50 20 ms · p95 30 ms · p99 uncertain (±61 % in this sample) · last 1h · 1,270 calls in a sample of 1,270 traces · …`,
 * either followed by a performance insight's suffix (`· bottleneck: 75% of the critical path in a sample`).
 */
function readLens(title: string): Shown {
  const m = new RegExp(
    `^p50 ${FIGURE} · p95 (?:${FIGURE}|${NOT_SHOWN}) · p99 (?:${FIGURE}|${NOT_SHOWN}) · last \\w+ · (~?)([\\d,]+) calls?(?: in a sample of ([\\d,]+) traces?(?: \\(of ≥ ([\\d,]+)\\))?)? · [\\d.<]+% errors(?: · (?:N\\+1|serial|cache miss|bottleneck|repeated|slow statement): .+)?$`,
  ).exec(title);
  assert.ok(m, `unexpected lens text "${title}"`);
  const count = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s.replace(/,/g, '')));
  const shown: Shown = { title, p50: figure(m[1], m[2])!, calls: count(m[8])!, callsApproximate: m[7] === '~' };
  const p95 = figure(m[3], m[4]);
  const p99 = figure(m[5], m[6]);
  if (p95) shown.p95 = p95;
  if (p99) shown.p99 = p99;
  const traces = count(m[9]);
  const of = count(m[10]);
  if (traces !== undefined) shown.sampleTraces = traces;
  if (of !== undefined) shown.ofAtLeast = of;
  return shown;
}

/** Trace Lens's latency lenses in `uri`, by the function their statistics are placed on. */
async function lensesByFunction(uri: vscode.Uri): Promise<Map<string, vscode.CodeLens>> {
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
  const out = new Map<string, vscode.CodeLens>();
  for (const l of lenses) {
    if (l.command?.command !== 'traceLens.showFunctionTraces') continue;
    const args = l.command.arguments?.[0] as { location?: { functionName?: string } } | undefined;
    if (args?.location?.functionName) out.set(args.location.functionName, l);
  }
  return out;
}

/** |shown − exact| within `tolerance` of exact, plus what the lens's rounding to three digits adds. */
function assertWithin(shown: ShownFigure | undefined, exact: number, tolerance: number, what: string): void {
  assert.ok(shown, `${what}: shown as a number`);
  const allowed = tolerance * exact + shown.roundingMs;
  assert.ok(Math.abs(shown.ms - exact) <= allowed + 1e-9, `${what}: shown ${shown.ms} ms, exact ${exact} ms, off by ${(Math.abs(shown.ms / exact - 1) * 100).toFixed(2)} % (allowed ${(tolerance * 100).toFixed(1)} % + rounding)`);
}

const raw = process.env.TRACE_LENS_TEST_LATENCY_TRUTH;
const truth = raw ? (JSON.parse(raw) as Truth) : undefined;

describe('latency lenses against real Jaeger with SPM, Jaeger without SPM and Zipkin', function () {
  // Sampling thousands of traces from a server on a loaded two-core machine takes a while.
  this.timeout(600_000);
  let doc: vscode.TextDocument;

  before(async function () {
    if (!truth) this.skip();
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    doc = await vscode.workspace.openTextDocument(workspaceFile(...truth.file.split('/')));
    await vscode.window.showTextDocument(doc);
  });

  after(async () => {
    if (!truth) return;
    await setGlobal('backend.type', undefined);
    await setGlobal('backend.url', undefined);
    await setGlobal('serviceNames', undefined);
  });

  // Without the servers (the plain `npm run test:integration` run) there is nothing to compare: no test.
  for (const run of truth?.runs ?? []) {
    it(`${run.name}, service ${run.service}: the lens and hover match the exact figures of every span sent`, async () => {
      const t = truth!;
      const names = run.functions.map((f) => f.functionName);
      // Through the local receiver first (which never holds these spans): no lens of the previous
      // run survives, so the lenses waited for below are this server's.
      await setGlobal('backend.type', undefined);
      await waitFor('no lens from the previous run', async () => ((await lensesByFunction(doc.uri)).size === 0 ? true : undefined), 60_000);
      await setGlobal('serviceNames', [run.service]);
      await setGlobal('backend.url', run.url);
      await setGlobal('backend.type', run.type);
      // The first refresh runs as the backend is set; on a loaded machine it can take minutes.
      const lenses = await waitFor(`a lens with numbers on every function from ${run.name}`, async () => {
        const found = await lensesByFunction(doc.uri);
        const ready = names.every((n) => /^p50 ~?[\d.]+ /.test(found.get(n)?.command?.title ?? ''));
        return ready ? found : undefined;
      }, 480_000);
      for (const exact of run.functions) {
        const lens = lenses.get(exact.functionName)!;
        const shown = readLens(lens.command!.title);
        const line = doc.lineAt(lens.range.start.line).text;
        const column = Math.max(0, line.indexOf(exact.functionName));
        const hover = await waitFor(`the ${exact.functionName} hover`, () => traceLensHover(doc.uri, new vscode.Position(lens.range.start.line, column)), 30_000);
        const what = `${run.name} ${exact.functionName}`;
        // The row goes out before the assertions, so the table shows what a failure saw.
        console.log(`${ROW_MARKER}${JSON.stringify({ run: `${run.name} (${run.service})`, exact, shown, method: /_Quantiles: ([^_]+)\._/.exec(hover)?.[1] })}`);
        if (run.aggregate) {
          assert.match(hover, /Quantiles: Prometheus histogram \(Jaeger SPM\), within one bucket/, `${what}: the hover names the quantile definition`);
          assert.equal(shown.sampleTraces, undefined, `${what}: an aggregate is not labelled a sample: "${shown.title}"`);
          assert.equal(shown.callsApproximate, true, `${what}: calls from a rate say "~"`);
          assertWithin(shown.p50, exact.p50, t.bucketTolerance, `${what} p50`);
          assertWithin(shown.p95, exact.p95, t.bucketTolerance, `${what} p95`);
          assertWithin(shown.p99, exact.p99, t.bucketTolerance, `${what} p99`);
          assert.ok(Math.abs(shown.calls / exact.calls - 1) <= t.bucketTolerance, `${what}: ${shown.calls} calls shown, ${exact.calls} sent`);
        } else {
          assert.ok(shown.sampleTraces !== undefined, `${what}: the lens says the figures come from a sample: "${shown.title}"`);
          assert.match(hover, /Quantiles: DDSketch over the sampled spans/, `${what}: the hover says the quantiles are of a sample`);
          assert.ok(shown.calls <= exact.calls, `${what}: a sample never shows more calls than were sent`);
          if (run.partial) assert.ok(shown.sampleTraces < exact.calls, `${what}: ${shown.sampleTraces} traces sampled of ${exact.calls}: a part of the window`);
          assertWithin(shown.p50, exact.p50, t.sampleTolerance, `${what} p50`);
          assertWithin(shown.p95, exact.p95, t.sampleTolerance, `${what} p95`);
        }
      }
      if (!run.aggregate) {
        // A second refresh searches only the slice that is new since the first and keeps the rest:
        // the sample and the figures stay as they were (the "of ≥" bound may drop: traces seen but
        // not kept are not remembered).
        const figures = (m: Map<string, vscode.CodeLens>) => names.map((n) => ({ ...readLens(m.get(n)!.command!.title), title: '', ofAtLeast: 0 }));
        const before = figures(lenses);
        const summary = await vscode.commands.executeCommand<{ sampled?: string }>('traceLens.refresh');
        const traces = before[0].sampleTraces;
        assert.ok(traces !== undefined, 'the lens names the size of its sample');
        assert.match(summary?.sampled ?? '', new RegExp(`^${traces.toLocaleString('en-US')} traces? `), `the refreshed sample keeps its ${traces} traces`);
        assert.deepEqual(figures(await lensesByFunction(doc.uri)), before);
      }
    });
  }
});
