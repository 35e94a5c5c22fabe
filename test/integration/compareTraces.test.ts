import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { syntheticTrace } from '../../bench/waterfallSyntheticTrace';
import { toOtlpJson } from '../../bench/waterfallOtlpJson';
import { shortTraceId } from '../../src/core/model/ids';
import { sendTestTrace } from '../backends/harness/sendTestTrace';
import { RECEIVER } from './receiverPorts';
import { waitFor, workspaceFile } from './support';

const EXTENSION_ID = 'trace-lens.trace-lens';

/** Compare tabs: titled once both traces are parsed and matched in the panel's worker. */
function compareTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('traceLens.compare'));
}

describe('traceLens.compareTraces in the extension host', () => {
  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });
  afterEach(async () => {
    await vscode.window.tabGroups.close(compareTabs());
  });

  it('compares two trace files: the tab names both traces and the root\'s change', async () => {
    const baseline = syntheticTrace({ spans: 5_000, seed: 21 });
    const candidate = syntheticTrace({ spans: 5_000, seed: 21 });
    candidate.traceId = 'c'.repeat(32);
    for (const s of candidate.spans) s.traceId = candidate.traceId;
    candidate.spans[0].endTimeUnixNano += 250_000_000n;
    const a = workspaceFile('compare-baseline.json');
    const b = workspaceFile('compare-candidate.json');
    await vscode.workspace.fs.writeFile(a, new TextEncoder().encode(toOtlpJson(baseline)));
    await vscode.workspace.fs.writeFile(b, new TextEncoder().encode(toOtlpJson(candidate)));
    try {
      await vscode.commands.executeCommand('traceLens.compareTraces', { left: { file: a.toString() }, right: { file: b.fsPath } });
      const title = `Compare ${shortTraceId(baseline.traceId)} · ${shortTraceId(candidate.traceId)} (+250 ms)`;
      const tab = await waitFor(`the tab "${title}"`, () => compareTabs().find((t) => t.label === title), 60_000);
      assert.equal(compareTabs().length, 1, compareTabs().map((t) => t.label).join(', '));
      assert.ok(tab.isActive);
    } finally {
      await vscode.workspace.fs.delete(a);
      await vscode.workspace.fs.delete(b);
    }
  });

  it('compares two traces the built-in receiver got from the OpenTelemetry SDK, by id', async () => {
    const send = () => waitFor('the receiver to accept spans', async () => {
      try { return await sendTestTrace({ otlpHttpUrl: RECEIVER, otlpEncoding: 'protobuf' }); } catch { return undefined; }
    });
    const first = await send();
    const second = await send();
    // The receiver's store answers the trace once its spans are in (the export is acknowledged first).
    await vscode.commands.executeCommand('traceLens.compareTraces', { left: { traceId: first.traceId }, right: { traceId: second.traceId } });
    const title = `Compare ${shortTraceId(first.traceId)} · ${shortTraceId(second.traceId)} (+0 ns)`;
    await waitFor(`the tab "${title}"`, () => compareTabs().find((t) => t.label === title), 60_000);
  });

  it('rejects a malformed side before anything opens', async () => {
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('traceLens.compareTraces', { left: { file: 'relative/a.json' } })),
      /left's file must be an absolute path or a URI/,
    );
    assert.equal(compareTabs().length, 0);
  });
});
