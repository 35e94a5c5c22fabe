import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { sendTestTrace } from '../backends/harness/sendTestTrace';
import { startJaeger } from '../backends/harness/servers';
import { startTempoReplay } from '../backends/harness/tempoReplay';
import { waitForTrace } from '../backends/harness/waitForTrace';
import { RECEIVER } from './receiverPorts';
import { setGlobal, waitFor } from './support';

const EXTENSION_ID = 'trace-lens.trace-lens';

function serviceMapTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('traceLens.serviceMap'));
}

/**
 * Points the extension at a backend, waits for the command to draw its two services as a sample,
 * runs `check`, and always puts the receiver back.
 */
async function withSampleMapOf(type: 'jaeger' | 'tempo', url: string, check: () => void): Promise<void> {
  try {
    await setGlobal('backend.url', url);
    await setGlobal('backend.type', type);
    // The backend is rebuilt when the settings change: until then the command says it is not configured.
    await waitFor(`the map of the ${type} sample`, async () => {
      await vscode.commands.executeCommand('traceLens.showServiceMap');
      return serviceMapTabs().find((t) => t.label === 'Service map · 2 services (sample)');
    }, 120_000);
    check();
  } finally {
    await setGlobal('backend.type', undefined);
    await setGlobal('backend.url', undefined);
  }
}

describe('traceLens.showServiceMap in the extension host', () => {
  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });
  after(async () => {
    await vscode.window.tabGroups.close(serviceMapTabs());
  });

  it('draws the services of the traces the receiver got from the OpenTelemetry SDK, in one panel', async () => {
    await waitFor('the receiver to accept spans', async () => {
      try { return await sendTestTrace({ otlpHttpUrl: RECEIVER, otlpEncoding: 'protobuf' }); } catch { return undefined; }
    });
    await vscode.commands.executeCommand('traceLens.showServiceMap');
    // sendTestTrace's services are frontend and checkout; other suites of this run may have sent more.
    const tab = await waitFor('the service map tab', () => serviceMapTabs().find((t) => /^Service map · \d+ services$/.test(t.label)), 60_000);
    const count = Number(/· (\d+) services/.exec(tab.label)![1]);
    assert.ok(count >= 2, tab.label);
    await vscode.commands.executeCommand('traceLens.showServiceMap');
    assert.equal(serviceMapTabs().length, 1, 'running it again refreshes the same panel');
  });

  it('draws the map of a real Jaeger from a search of its services, titled a sample', async () => {
    const jaeger = await startJaeger();
    try {
      const sent = [];
      for (let i = 0; i < 2; i++) sent.push(await sendTestTrace({ otlpHttpUrl: jaeger.otlpHttpUrl, startTimeMs: Date.now() - 20_000 + i * 1_000 }));
      for (const t of sent) await waitForTrace(jaeger, t.traceId, { spanCount: t.spans.length });
      await withSampleMapOf('jaeger', jaeger.queryUrl, () => assert.equal(serviceMapTabs().length, 1, 'the receiver\'s map panel shows the sample now'));
    } finally {
      await jaeger.stop();
    }
  });

  it('draws the map of Tempo (its documented API, replayed) from the traces its searches found, fetched one by one', async () => {
    await vscode.window.tabGroups.close(serviceMapTabs());
    // The fixtures' times moved to just before now, so they fall in the default one-hour lookback.
    const replay = await startTempoReplay({ shiftTo: Date.now() });
    try {
      await withSampleMapOf('tempo', replay.url, () => {
        const fetched = new Set(replay.requests.filter((r) => /^\/api\/(v2\/)?traces\//.test(r.pathname) && r.status === 200).map((r) => r.pathname.split('/').at(-1)));
        assert.equal(fetched.size, 3, `every trace the searches found was fetched: ${[...fetched].join(', ')}`);
      });
    } finally {
      await replay.close();
    }
  });

  it('takes no arguments', async () => {
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('traceLens.showServiceMap', '/etc/passwd')), /takes no arguments/);
  });
});
