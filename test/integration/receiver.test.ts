import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { sendTestTrace } from '../backends/harness/sendTestTrace';

const EXTENSION_ID = 'trace-lens.trace-lens';
// test/workspaces/basic/.vscode/settings.json moves the receiver off 4318 so a developer's Collector does not interfere.
const RECEIVER = 'http://127.0.0.1:43181';

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The tab of the waterfall of a trace: its title is the root span's name and the short trace id. */
function waterfallTabFor(traceId: string, rootName: string): vscode.Tab | undefined {
  const short = traceId.replace(/^0{16}/, '').slice(0, 7);
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .find((t) => t.input instanceof vscode.TabInputWebview && t.label.includes(short) && t.label.includes(rootName));
}

describe('the built-in OTLP receiver, end to end in the extension host', () => {
  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  for (const encoding of ['protobuf', 'json'] as const) {
    it(`receives a trace from the OpenTelemetry SDK (OTLP ${encoding}) and opens it by id`, async () => {
      const sent = await waitFor('the receiver to accept spans', async () => {
        try {
          return await sendTestTrace({ otlpHttpUrl: RECEIVER, otlpEncoding: encoding });
        } catch {
          return undefined; // not listening yet
        }
      });
      await vscode.commands.executeCommand('traceLens.openTraceById', sent.traceId);
      const root = sent.spans[0];
      const tab = await waitFor('the waterfall panel titled with the root span and short id', () => waterfallTabFor(sent.traceId, root.name));
      assert.ok((tab.input as vscode.TabInputWebview).viewType.includes('traceLens.waterfall'));
    });
  }

  it('accepts a traceparent as the id', async () => {
    const sent = await sendTestTrace({ otlpHttpUrl: RECEIVER });
    await vscode.commands.executeCommand('traceLens.openTraceById', `00-${sent.traceId}-${sent.rootSpanId}-01`);
    await waitFor('the waterfall panel', () => waterfallTabFor(sent.traceId, sent.spans[0].name));
  });
});
