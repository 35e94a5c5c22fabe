import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { documentedTraces, startTempoReplay, type TempoReplay } from '../backends/harness/tempoReplay';
import { latencyLensOn, lineOf, setGlobal, traceLensHover, waitFor, workspaceFile } from './support';

// Latency lenses from Tempo's TraceQL metrics, with the extension pointed at a multi-tenant Tempo as
// Grafana documents its HTTP API: the replay of test/fixtures/backends/tempo-documented (no Tempo is
// run; Tempo is AGPL-licensed and never built or downloaded here). Its quantile_over_time series carry
// code.* labels naming functions of test/workspaces/basic/latency/latencyOrders.ts.
const EXTENSION_ID = 'trace-lens.trace-lens';
const TENANT = 'team-a';




describe('latency lenses from Tempo TraceQL metrics (documented API, replayed)', function () {
  this.timeout(120_000);
  let replay: TempoReplay;
  let orders: vscode.TextDocument;

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    // The fixtures' times moved to just before now, so they fall in the default one-hour lookback.
    replay = await startTempoReplay({ tenant: TENANT, shiftTo: Date.now() });
    orders = await vscode.workspace.openTextDocument(workspaceFile('latency', 'latencyOrders.ts'));
    await vscode.window.showTextDocument(orders);
    await setGlobal('backend.tenant', TENANT);
    await setGlobal('backend.url', replay.url);
    await setGlobal('backend.type', 'tempo');
  });

  after(async () => {
    await setGlobal('backend.type', undefined);
    await setGlobal('backend.url', undefined);
    await setGlobal('backend.tenant', undefined);
    await replay?.close();
  });

  it('shows the quantile_over_time figures above the function, marked approximate', async () => {
    const place = lineOf(orders, 'export async function placeOrder');
    // The lens sits on the spans' line until the TypeScript symbols arrive, then on the declaration.
    const lens = await waitFor('the placeOrder lens from Tempo', () => latencyLensOn(orders.uri, place), 90_000);
    // p50 0.0671 s, p95 0.121 s, p99 0.1318 s of the latest interval; 70 + 60 calls, 2 + 2 errors; "~": approximate.
    assert.match(lens.command?.title ?? '', /^p50 ~67\.1 ms · p95 ~121 ms · p99 ~132 ms · (last 1h · )?130 calls · 3\.1% errors$/);
    const charge = await waitFor('the chargeCard lens', () => latencyLensOn(orders.uri, lineOf(orders, 'export async function chargeCard')), 45_000);
    assert.match(charge.command?.title ?? '', /^p50 ~41\.2 ms · p95 ~83\.8 ms · p99 ~99\.1 ms · (last 1h · )?130 calls · 6\.9% errors$/);
    assert.equal(await latencyLensOn(orders.uri, lineOf(orders, 'export function cancelOrder')), undefined, 'no lens above a function without data');
  });

  it('says in the hover that the figures are approximate server quantiles', async () => {
    const place = lineOf(orders, 'export async function placeOrder');
    const md = await waitFor('the placeOrder hover', () => traceLensHover(orders.uri, new vscode.Position(place, 24)), 45_000);
    assert.match(md, /placeOrder · last 1h/);
    assert.match(md, /approximate \(server quantiles\)|Tempo TraceQL metrics, power-of-two buckets \(approximate\)/);
    assert.match(md, /\| p50 \| ~?67\.1 ms \|/);
    assert.match(md, /\| calls \| 130 \|/);
    assert.match(md, /\| errors \| 3\.1% \(4\) \|/);
  });

  it('shows exact figures from sampled traces where the server has none', async () => {
    // reserveStock is only in the sampled (PARTIAL) trace, not in the metrics: three spans, one failed.
    const lens = await waitFor('the reserveStock lens', () => latencyLensOn(orders.uri, lineOf(orders, 'export async function reserveStock')), 45_000);
    const title = lens.command?.title ?? '';
    assert.match(title, /^p50 [\d.]+ ms · /);
    assert.match(title, /\b3 calls\b.* · 33% errors/);
    assert.ok(!title.includes('~'), `exact, not approximate: "${title}"`);
  });

  it('reports the server quantiles on refresh and sent the tenant with every query', async () => {
    const summary = await vscode.commands.executeCommand<{ origin: string; sampled?: string; locations: number }>('traceLens.refresh');
    assert.ok(summary, 'the refresh ran');
    assert.equal(summary.origin, `Tempo at ${replay.url}`);
    // Server-computed figures for the three locations of the metrics answer, said to be approximate.
    assert.match(summary.sampled ?? '', /^server (quantiles|figures) for 3 locations [^;]*approximate/);
    const metrics = replay.requests.filter((r) => r.pathname === '/api/metrics/query_range');
    assert.ok(metrics.some((r) => r.query.q.includes('| quantile_over_time(duration, .5, .95, .99) by (')), 'the quantiles were asked for');
    assert.ok(metrics.every((r) => /^\d{10}$/.test(r.query.start) && /^\d{10}$/.test(r.query.end)), 'start and end in seconds');
    const queries = replay.requests.filter((r) => r.pathname !== '/ready' && r.pathname !== '/api/status/buildinfo');
    assert.deepEqual(queries.filter((r) => r.tenant !== TENANT).map((r) => `${r.status} ${r.path} tenant=${r.tenant}`), [], 'the tenant on every query');
    // The one trace over max_bytes_per_trace: v1 refuses it (500), as Tempo does, and v2 gives the part that fits.
    const refused = queries.filter((r) => r.status !== 200);
    assert.deepEqual([...new Set(refused.map((r) => `${r.status} ${r.pathname}`))], refused.length > 0 ? [`500 /api/traces/${documentedTraces.partial}`] : []);
    for (const r of refused) {
      const after = queries.slice(queries.indexOf(r) + 1);
      assert.ok(after.some((q) => q.pathname === `/api/v2/traces/${documentedTraces.partial}` && q.status === 200), 'asked of v2 after each refusal');
    }
  });
});
