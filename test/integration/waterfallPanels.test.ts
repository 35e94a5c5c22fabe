import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { syntheticTrace } from '../../bench/waterfallSyntheticTrace';
import { toOtlpJson } from '../../bench/waterfallOtlpJson';
import { shortTraceId } from '../../src/core/model/ids';
import { startJaeger } from '../backends/harness/servers';
import { documentedTraces, startTempoReplay } from '../backends/harness/tempoReplay';
import { waitForTrace } from '../backends/harness/waitForTrace';
import { startReverseProxy } from '../unit/backends/localHttpServer';
import { setGlobal, waitFor, workspaceFile } from './support';

const EXTENSION_ID = 'trace-lens.trace-lens';

function waterfallTabs(short: string): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('traceLens.waterfall') && t.label.includes(short));
}

/** Waits until the statistics' refresh reads from the backend `name` (Jaeger, Tempo…) the settings now name. */
function backendInUse(name: string): Promise<true> {
  return waitFor(`the ${name} backend in use`, async () => {
    const summary = await vscode.commands.executeCommand<{ origin: string } | undefined>('traceLens.refresh');
    return summary?.origin.includes(name) ? true : undefined;
  }, 60_000);
}

describe('waterfall panels: one panel (and one worker) per trace', () => {
  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  it('opening the same big trace file twice, while it loads and after, shows one panel', async () => {
    // ~21 MB of OTLP JSON: big enough that the second open comes while the first is still parsing.
    const trace = syntheticTrace({ spans: 25_000, bigSubtree: 0, seed: 11 });
    const root = trace.spans[0];
    const short = shortTraceId(trace.traceId);
    const uri = workspaceFile('waterfall-twice.json');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(toOtlpJson(trace)));
    try {
      await Promise.all([
        vscode.commands.executeCommand('traceLens.openTraceFile', uri),
        vscode.commands.executeCommand('traceLens.openTraceFile', uri),
      ]);
      const tab = await waitFor('the waterfall titled with the root span', () => waterfallTabs(short).find((t) => t.label.includes(root.name)), 60_000);
      assert.equal(waterfallTabs(short).length, 1, `tabs: ${waterfallTabs(short).map((t) => t.label).join(', ')}`);
      await vscode.commands.executeCommand('traceLens.openTraceFile', uri);
      assert.equal(waterfallTabs(short).length, 1, 'opening it again focuses the panel');
      await vscode.window.tabGroups.close(tab);
      await waitFor('the panel to close', () => (waterfallTabs(short).length === 0 ? true : undefined));
    } finally {
      await vscode.workspace.fs.delete(uri);
    }
  });

  it("Open Trace by ID reads a real Jaeger's trace over its query gRPC API when traceLens.backend.jaegerGrpcUrl is set", async () => {
    const jaeger = await startJaeger();
    // Jaeger's HTTP API without its trace-by-id routes: the trace can only come over gRPC.
    const proxy = await startReverseProxy(jaeger.queryUrl, (req, res) => {
      if (!/^\/api(\/v3)?\/traces\//.test(req.url ?? '')) return false;
      res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found');
      return true;
    });
    const trace = syntheticTrace({ spans: 3_000, bigSubtree: 0, seed: 12 });
    const short = shortTraceId(trace.traceId);
    try {
      const r = await fetch(`${jaeger.otlpHttpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: toOtlpJson(trace) });
      assert.ok(r.ok, `Jaeger took the spans: ${r.status}`);
      await waitForTrace(jaeger, trace.traceId, { spanCount: trace.spans.length });
      await setGlobal('backend.jaegerGrpcUrl', `http://127.0.0.1:${jaeger.queryGrpcPort}`);
      await setGlobal('backend.url', proxy.url);
      await setGlobal('backend.type', 'jaeger');
      await backendInUse('Jaeger');
      await vscode.commands.executeCommand('traceLens.openTraceById', { traceId: trace.traceId });
      const tab = await waitFor('the waterfall titled with the root span', () => waterfallTabs(short).find((t) => t.label.includes(trace.spans[0].name)), 60_000);
      assert.deepEqual(proxy.requests.filter((q) => /\/traces\//.test(q.url)).map((q) => q.url), [], 'nothing asked Jaeger\'s HTTP API for the trace');
      await vscode.window.tabGroups.close(tab);
    } finally {
      await setGlobal('backend.type', undefined);
      await setGlobal('backend.url', undefined);
      await setGlobal('backend.jaegerGrpcUrl', undefined);
      await proxy.close();
      await jaeger.stop();
    }
  });

  it("Open Trace by ID reads Tempo's trace in OpenTelemetry protobuf (its documented API, replayed)", async () => {
    const replay = await startTempoReplay({ shiftTo: Date.now() });
    const id = documentedTraces.checkout;
    const short = shortTraceId(id);
    try {
      await setGlobal('backend.url', replay.url);
      await setGlobal('backend.type', 'tempo');
      await backendInUse('Tempo');
      await vscode.commands.executeCommand('traceLens.openTraceById', { traceId: id });
      const tab = await waitFor('the waterfall titled with the root span', () => waterfallTabs(short).find((t) => t.label.includes('GET /checkout')), 60_000);
      // The statistics may fetch the trace too: every request for it asked v1 for protobuf.
      const asked = replay.requests.filter((r) => r.pathname.includes(id)).map((r) => `${r.status} ${r.pathname} ${r.accept}`);
      assert.ok(asked.length > 0, 'the trace was fetched');
      assert.deepEqual([...new Set(asked)], [`200 /api/traces/${id} application/protobuf`]);
      await vscode.window.tabGroups.close(tab);
    } finally {
      await setGlobal('backend.type', undefined);
      await setGlobal('backend.url', undefined);
      await replay.close();
    }
  });
});
