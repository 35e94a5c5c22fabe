import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { syntheticTrace } from '../../bench/waterfallSyntheticTrace';
import { toOtlpJson } from '../../bench/waterfallOtlpJson';
import { shortTraceId } from '../../src/core/model/ids';
import { waitFor, workspaceFile } from './support';

const EXTENSION_ID = 'trace-lens.trace-lens';

function waterfallTabs(short: string): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('traceLens.waterfall') && t.label.includes(short));
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
});
