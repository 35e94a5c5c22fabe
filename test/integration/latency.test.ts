import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startJaeger } from '../backends/harness/servers';
import { sendBatches, sendToReceiver, type Batch, type SentSpan } from './otlpSender';
import { lineOf, setGlobal, traceLensHover, waitFor, workspaceFile } from './support';

const EXTENSION_ID = 'trace-lens.trace-lens';
const SERVICE = 'latency-fixture-service';
const FALLBACK_NOTE = 'falling back to code.* line numbers and literal span names';


const CHECKOUT = (): vscode.Uri => workspaceFile('latency', 'latencyCheckout.ts');
const WORKER = (): vscode.Uri => workspaceFile('latency', 'latencyWorker.py');


/** The quantile as DDSketch defines it (the value at rank floor(q·(n−1))), exact before the sketch's 1 % error. */
function quantile(durationsMs: number[], q: number): number {
  const sorted = [...durationsMs].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))];
}

interface LensFigures {
  p50: number;
  /** Undefined where the lens says the values cannot support the percentile. */
  p95?: number;
  p99?: number;
  calls: number;
  errors: string;
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, 'µs': 1e-3, ms: 1, s: 1000 };

/**
 * Reads the default template: `p50 50 ms · p95 needs ≥ 20 samples · p99 needs ≥ 100 samples · last 1h · 10 calls · 10% errors`
 * (a backend's sample reads `… · last 1h · 3 calls in a sample of 3 traces · …`).
 */
function parseLens(title: string): LensFigures {
  const m = /^p50 ~?([\d.]+) (ns|µs|ms|s) · p95 (?:~?([\d.]+) (ns|µs|ms|s)|needs ≥ 20 samples) · p99 (?:~?([\d.]+) (ns|µs|ms|s)|needs ≥ 100 samples) · last \w+ · ([\d,]+) calls?(?: in a sample of [\d,]+ traces?(?: \(of ≥ [\d,]+\))?)? · ([\d.<]+%) errors$/.exec(title);
  assert.ok(m, `unexpected lens text "${title}"`);
  return {
    p50: Number(m[1]) * UNIT_MS[m[2]],
    p95: m[3] !== undefined ? Number(m[3]) * UNIT_MS[m[4]] : undefined,
    p99: m[5] !== undefined ? Number(m[5]) * UNIT_MS[m[6]] : undefined,
    calls: Number(m[7].replace(/,/g, '')),
    errors: m[8],
  };
}

/** Within DDSketch's 1 % plus the lens's three significant digits. */
function assertClose(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= expected * 0.02, `${what}: ${actual} ms, expected ${expected} ms ± 2 %`);
}

/** p95 needs ≥ 20 values and p99 ≥ 100: below that the lens says so instead of a number. */
function assertFigures(title: string, durationsMs: number[], errorRate: string): void {
  const f = parseLens(title);
  assertClose(f.p50, quantile(durationsMs, 0.5), `p50 of "${title}"`);
  if (durationsMs.length >= 20) assertClose(f.p95 ?? NaN, quantile(durationsMs, 0.95), `p95 of "${title}"`);
  else assert.equal(f.p95, undefined, `p95 of ${durationsMs.length} values is not shown: "${title}"`);
  if (durationsMs.length >= 100) assertClose(f.p99 ?? NaN, quantile(durationsMs, 0.99), `p99 of "${title}"`);
  else assert.equal(f.p99, undefined, `p99 of ${durationsMs.length} values is not shown: "${title}"`);
  assert.equal(f.calls, durationsMs.length, `calls of "${title}"`);
  assert.equal(f.errors, errorRate, `error rate of "${title}"`);
}

async function traceLensLenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
  return lenses.filter((l) => l.command?.command === 'traceLens.showFunctionTraces');
}

async function lensOnLine(uri: vscode.Uri, line: number): Promise<vscode.CodeLens | undefined> {
  return (await traceLensLenses(uri)).find((l) => l.range.start.line === line);
}

describe('latency above functions: CodeLens, hover, refresh and Explain Source Mapping', function () {
  this.timeout(90_000);
  let checkout: vscode.TextDocument;
  let worker: vscode.TextDocument;
  let sent: Map<string, SentSpan[]>;
  const cartDurations = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
  const priceDurations = Array.from({ length: 20 }, (_, i) => (i + 1) * 5);
  const ratesDurations = [1, 2, 3, 4];
  const jobDurations = [7, 8, 9];
  const pyJobDurations = [30, 40];

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    checkout = await vscode.workspace.openTextDocument(CHECKOUT());
    worker = await vscode.workspace.openTextDocument(WORKER());
    const cartLine = lineOf(checkout, 'validateCart span line') + 1;
    const priceLine = lineOf(checkout, 'priceItems span line') + 1;
    const jobLine = lineOf(worker, 'def process_job') + 1;
    const batches: Batch[] = [
      // Current code.* names (semconv ≥ 1.30), a path relative to the workspace folder.
      { name: 'validate cart', attributes: { 'code.file.path': 'latency/latencyCheckout.ts', 'code.function.name': 'validateCart', 'code.line.number': cartLine }, durationsMs: cartDurations, errors: [9] },
      // The older names, with a container path that only the suffix rule maps.
      { name: 'price items', attributes: { 'code.filepath': '/srv/app/latency/latencyCheckout.ts', 'code.function': 'priceItems', 'code.lineno': priceLine }, durationsMs: priceDurations },
      // No code.*: placed by its literal name at the tracer call.
      { name: 'latencyFixture.loadRates', attributes: {}, durationsMs: ratesDurations },
      // Python: no symbol provider here; the bundled parser finds process_job around the reported line.
      { name: 'process job', attributes: { 'code.filepath': '/srv/app/latency/latencyWorker.py', 'code.function': 'process_job', 'code.lineno': jobLine }, durationsMs: jobDurations },
      { name: 'latencyFixture.pyJob', attributes: {}, durationsMs: pyJobDurations },
      // A file the workspace does not have: listed by Explain Source Mapping.
      { name: 'ghost', attributes: { 'code.file.path': '/nowhere/ghost/ghostFile.ts', 'code.function.name': 'haunt', 'code.line.number': 3 }, durationsMs: [5] },
    ];
    sent = await sendToReceiver(batches, SERVICE);
  });

  after(async () => {
    await setGlobal('backend.type', undefined);
    await setGlobal('backend.url', undefined);
    await setGlobal('serviceNames', undefined);
    await setGlobal('lookback', undefined);
    await setGlobal('codeLens.enabled', undefined);
    await setGlobal('hover.enabled', undefined);
    await setGlobal('codeLens.format', undefined);
  });

  it('shows the percentiles of spans with current code.* names above their function (document symbols)', async () => {
    const line = lineOf(checkout, 'export function validateCart');
    // The bundled parser finds the function (the TypeScript server is not asked), so the lens goes on its declaration.
    const lens = await waitFor('the validateCart lens on its declaration', () => lensOnLine(checkout.uri, line), 45_000);
    assertFigures(lens.command!.title, cartDurations, '10%');
    const args = lens.command!.arguments?.[0] as { locationKey: string; traceIds: string[]; location: { functionName?: string } };
    assert.equal(args.location.functionName, 'validateCart');
    assert.ok(args.traceIds.includes(sent.get('validate cart')![9].traceId), 'the slowest (and failing) trace is an example');
  });

  it('maps the older code.* names through a container path', async () => {
    const line = lineOf(checkout, 'export function priceItems');
    const lens = await waitFor('the priceItems lens', () => lensOnLine(checkout.uri, line), 45_000);
    assertFigures(lens.command!.title, priceDurations, '0%');
  });

  it('places spans without code.* by their literal name at the tracer call', async () => {
    const line = lineOf(checkout, "startActiveSpan('latencyFixture.loadRates'");
    const lens = await waitFor('the span-name lens', () => lensOnLine(checkout.uri, line));
    assertFigures(lens.command!.title, ratesDurations, '0%');
  });

  it('shows nothing above a function with no data', async () => {
    await waitFor('the lenses', async () => ((await traceLensLenses(checkout.uri)).length >= 3 ? true : undefined), 45_000);
    const idle = lineOf(checkout, 'export function idleHelper');
    const lenses = await traceLensLenses(checkout.uri);
    assert.deepEqual(lenses.filter((l) => l.range.start.line >= idle && l.range.start.line <= idle + 2), []);
    assert.equal(await traceLensHover(checkout.uri, new vscode.Position(idle, 20)), undefined);
    const lines = lenses.map((l) => l.range.start.line).sort((a, b) => a - b);
    assert.deepEqual(lines, [lineOf(checkout, 'export function validateCart'), lineOf(checkout, 'export function priceItems'), lineOf(checkout, "startActiveSpan('latencyFixture.loadRates'")]);
  });

  it('places Python by line and span name without a symbol provider (the bundled parser)', async () => {
    const jobLine = lineOf(worker, 'def process_job');
    const jobLens = await waitFor('the process_job lens', () => lensOnLine(worker.uri, jobLine));
    assertFigures(jobLens.command!.title, jobDurations, '0%');
    const siteLens = await waitFor('the pyJob span-name lens', () => lensOnLine(worker.uri, lineOf(worker, 'latencyFixture.pyJob')));
    assertFigures(siteLens.command!.title, pyJobDurations, '0%');
    assert.equal(await lensOnLine(worker.uri, lineOf(worker, 'def unused')), undefined);
  });

  it('hovers a function with its percentiles, calls, errors and trusted links to example traces', async () => {
    const line = lineOf(checkout, 'export function validateCart');
    await waitFor('the validateCart lens', () => lensOnLine(checkout.uri, line), 45_000);
    const md = await waitFor('the hover', () => traceLensHover(checkout.uri, new vscode.Position(line, 18)));
    assert.match(md, /validateCart/);
    const p50 = /\| p50 \| ([\d.]+) ms \|/.exec(md);
    assert.ok(p50, 'a p50 row');
    assertClose(Number(p50[1]), quantile(cartDurations, 0.5), 'hover p50');
    assert.match(md, /\| calls \| 10 \|/);
    assert.match(md, /\| errors \| 10% \(1\) \|/);
    const slowest = sent.get('validate cart')![9];
    assert.ok(md.includes(`command:traceLens.openTraceById?`), 'links open traces by id');
    assert.ok(md.includes(slowest.traceId), 'the slowest trace is linked (hex survives URI encoding)');
    assert.ok(md.includes('command:traceLens.showFunctionTraces?'), 'links list example traces');
    assert.match(md, /· last 1h · 10 calls\n/);
    assert.match(md, /\| p99 \| needs ≥ 100 samples \|/);
    assert.match(md, /Too few values \(10\) for p95 and p99/);
    assert.match(md, /Quantiles: DDSketch over every span received, relative error ≤ 1 %/);
  });

  it('applies traceLens.codeLens.enabled and traceLens.hover.enabled at once', async () => {
    const line = lineOf(checkout, 'export function validateCart');
    await waitFor('the validateCart lens', () => lensOnLine(checkout.uri, line), 45_000);
    await setGlobal('codeLens.enabled', false);
    await waitFor('no lenses', async () => ((await traceLensLenses(checkout.uri)).length === 0 ? true : undefined), 3_000);
    await setGlobal('hover.enabled', false);
    await waitFor('no hover', async () => ((await traceLensHover(checkout.uri, new vscode.Position(line, 18))) === undefined ? true : undefined), 3_000);
    await setGlobal('codeLens.enabled', undefined);
    await setGlobal('hover.enabled', undefined);
    await waitFor('the lens again', () => lensOnLine(checkout.uri, line), 3_000);
    await waitFor('the hover again', () => traceLensHover(checkout.uri, new vscode.Position(line, 18)), 3_000);
  });

  it('applies traceLens.codeLens.format without a reload', async () => {
    const line = lineOf(checkout, 'export function validateCart');
    await setGlobal('codeLens.format', '${count} calls, max ${max}');
    const lens = await waitFor('the lens in the new format', async () => {
      const l = await lensOnLine(checkout.uri, line);
      return l?.command?.title.startsWith('10 calls, max ') ? l : undefined;
    }, 5_000);
    assert.match(lens.command!.title, /^10 calls, max 100 ms/);
    await setGlobal('codeLens.format', undefined);
    await waitFor('the default format again', async () => ((await lensOnLine(checkout.uri, line))?.command?.title.startsWith('p50 ') ? true : undefined), 5_000);
  });

  it('refreshes with traceLens.refresh and reports how many locations have statistics', async () => {
    const summary = await vscode.commands.executeCommand<{ locations: number; unresolved: number; origin: string }>('traceLens.refresh');
    assert.ok(summary, 'the refresh ran');
    assert.ok(summary.locations >= 6, `locations: ${summary.locations}`);
    assert.ok(summary.unresolved >= 1, 'the ghost file is not in the workspace');
    assert.match(summary.origin, /built-in OTLP receiver/);
    const lens = await lensOnLine(checkout.uri, lineOf(checkout, 'export function validateCart'));
    assert.ok(lens, 'lenses keep showing after a refresh');
  });

  it('explains the source mapping of a document with symbols, one without, and the unmapped locations', async () => {
    await vscode.window.showTextDocument(checkout);
    await waitFor('the validateCart lens', () => lensOnLine(checkout.uri, lineOf(checkout, 'export function validateCart')), 45_000);
    const ts = await vscode.commands.executeCommand<{ uri: string; text: string }>('traceLens.explainSourceMapping');
    assert.ok(ts, 'the report was produced');
    assert.match(ts.text, /## Active document: latency\/latencyCheckout\.ts/);
    assert.match(ts.text, /\d+ functions? from Trace Lens's bundled typescript parser/);
    assert.match(ts.text, /validateCart/);
    assert.match(ts.text, /`idleHelper` \(line \d+\)\n/, 'functions without a lens are listed');
    assert.match(ts.text, /`loadRates` \(line \d+\): its span-creating call on line \d+ has a lens/);
    assert.match(ts.text, /Locations whose file is not in the workspace/);
    assert.match(ts.text, /ghostFile\.ts/);
    assert.match(ts.text, /suffix/);
    const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === ts.uri);
    assert.ok(shown, 'the report is open in an editor');
    assert.equal(shown.document.uri.scheme, 'trace-lens-explain');

    await vscode.window.showTextDocument(worker);
    const py = await vscode.commands.executeCommand<{ uri: string; text: string }>('traceLens.explainSourceMapping');
    assert.ok(py);
    assert.match(py.text, /## Active document: latency\/latencyWorker\.py/);
    assert.match(py.text, /2 functions from Trace Lens's bundled python parser/, 'no fallback in a language without a symbol provider: the parser answers');
    assert.ok(!py.text.includes(FALLBACK_NOTE));
    assert.match(py.text, /process_job/);
  });

  it('applies traceLens.lookback and traceLens.serviceNames without a reload', async () => {
    const line = lineOf(checkout, 'export function validateCart');
    await waitFor('the validateCart lens', () => lensOnLine(checkout.uri, line), 45_000);
    await setGlobal('lookback', '5m');
    await waitFor('the hover over the new window', async () => ((await traceLensHover(checkout.uri, new vscode.Position(line, 18)))?.includes('last 5m') ? true : undefined), 5_000);
    await setGlobal('serviceNames', ['some-other-service']);
    await waitFor('no lenses for spans of other services', async () => ((await traceLensLenses(checkout.uri)).length === 0 ? true : undefined), 5_000);
    await setGlobal('serviceNames', [SERVICE]);
    await waitFor('the lens of the chosen service', () => lensOnLine(checkout.uri, line), 5_000);
    await setGlobal('serviceNames', undefined);
    await setGlobal('lookback', undefined);
    await waitFor('the default window again', async () => ((await traceLensHover(checkout.uri, new vscode.Position(line, 18)))?.includes('last 1h') ? true : undefined), 5_000);
  });

  it('aggregates sampled traces of traceLens.serviceNames from a remote backend (a real Jaeger)', async function () {
    this.timeout(600_000); // a cold machine builds Jaeger first
    const jaeger = await startJaeger();
    const shipDurations = [11, 12, 13];
    const decl = lineOf(checkout, 'export function shipOrder');
    try {
      assert.ok(jaeger.otlpHttpUrl);
      await sendBatches(
        [{ name: 'ship order', attributes: { 'code.file.path': '/build/latency/latencyCheckout.ts', 'code.function.name': 'shipOrder', 'code.line.number': lineOf(checkout, 'shipOrder span line') + 1 }, durationsMs: shipDurations }],
        'latency-jaeger',
        jaeger.otlpHttpUrl,
      );
      await setGlobal('serviceNames', ['latency-jaeger']);
      await setGlobal('backend.url', jaeger.queryUrl);
      await setGlobal('backend.type', 'jaeger');
      // The backend is rebuilt after the settings change and Jaeger indexes spans shortly after receiving them.
      const lens = await waitFor('the shipOrder lens from Jaeger', async () => {
        const summary = await vscode.commands.executeCommand<{ origin: string } | undefined>('traceLens.refresh');
        return summary && /Jaeger/.test(summary.origin) ? lensOnLine(checkout.uri, decl) : undefined;
      }, 60_000);
      assertFigures(lens.command!.title, shipDurations, '0%');
      assert.match(lens.command!.title, /· last 1h · 3 calls in a sample of \d+ traces? ·/, 'figures from sampled traces say so');
      // Only the remote backend's figures show: the receiver's spans are not mixed in.
      assert.equal(await lensOnLine(checkout.uri, lineOf(checkout, 'export function validateCart')), undefined);
    } finally {
      await setGlobal('backend.type', undefined);
      await setGlobal('backend.url', undefined);
      await setGlobal('serviceNames', undefined);
      await jaeger.stop();
    }
    // Back on the local receiver, its statistics return.
    await waitFor('the local lenses again', () => lensOnLine(checkout.uri, lineOf(checkout, 'export function validateCart')), 15_000);
    assert.equal(await lensOnLine(checkout.uri, decl), undefined);
  });

  it('lists the example traces of a function and opens the picked one in the waterfall', async () => {
    const line = lineOf(checkout, 'export function validateCart');
    const lens = await waitFor('the validateCart lens', () => lensOnLine(checkout.uri, line), 45_000);
    const running = vscode.commands.executeCommand<string | undefined>('traceLens.showFunctionTraces', ...(lens.command!.arguments ?? []));
    // The first item is the slowest trace. Accepting before the quick pick shows does nothing, so
    // accept until the command returns what was picked.
    let settled = false;
    void running.then(() => (settled = true), () => (settled = true));
    await waitFor('the quick pick of example traces to take the first item', async () => {
      if (!settled) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return settled ? true : undefined;
    }, 45_000);
    const picked = await running;
    assert.equal(picked, sent.get('validate cart')![9].traceId);
    await waitFor('the waterfall of the picked trace', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.label.includes(picked!.slice(0, 7))),
    );
  });
});
