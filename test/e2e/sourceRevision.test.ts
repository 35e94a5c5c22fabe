// Lines follow the code: a span recorded at a commit, clicked in the waterfall after lines were
// inserted above its function in the working tree, lands on the function, not on the old line.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT_CONTEXT, type HrTime } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { Frame } from 'playwright-core';
import { waitForState } from '../backends/harness/latencyLoad';
import { freePort } from '../runner/codeServer';
import { Workbench } from '../runner/workbench';

const ORDERS = [
  "'use strict';",
  '',
  '// Orders.',
  '',
  'function placeOrder(order) {', // line 5 at the commit
  '  return { id: order.id, total: order.total };',
  '}',
  '',
  'module.exports = { placeOrder };',
];

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
}

/** A git repository with src/orders.js committed; returns the folder and the commit. */
function repositoryWorkspace(port: number): { folder: string; commit: string } {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'trace-lens-rev-'));
  mkdirSync(path.join(folder, '.vscode'));
  writeFileSync(path.join(folder, '.vscode/settings.json'), JSON.stringify({ 'traceLens.local.port': port }));
  mkdirSync(path.join(folder, 'src'));
  writeFileSync(path.join(folder, 'src/orders.js'), `${ORDERS.join('\n')}\n`);
  git(folder, 'init', '-q');
  git(folder, 'add', '.');
  git(folder, 'commit', '-qm', 'orders');
  return { folder, commit: git(folder, 'rev-parse', 'HEAD').trim() };
}

/** One span as the deployed service sends it: its commit on the resource, its stack and line from the deployed path. */
async function sendDeployedSpan(port: number, commit: string): Promise<string> {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'orders', 'vcs.ref.head.revision': commit }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces` }) })],
  });
  const start = Date.now() - 5_000;
  const hr = (ms: number): HrTime => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];
  const span = provider.getTracer('trace-lens-revision-e2e').startSpan('placeOrder', {
    startTime: hr(start),
    attributes: {
      'code.filepath': '/srv/orders/src/orders.js',
      'code.lineno': 5,
      'code.function': 'placeOrder',
      'code.stacktrace': 'Error\n    at placeOrder (/srv/orders/src/orders.js:5:3)\n    at Server.handle (/srv/orders/node_modules/fw/server.js:88:10)',
    },
  }, ROOT_CONTEXT);
  span.end(hr(start + 12));
  const traceId = span.spanContext().traceId;
  await provider.forceFlush();
  await provider.shutdown();
  return traceId;
}

describe('go to source follows the code through git', function () {
  this.timeout(240_000);
  let workbench: Workbench;
  let folder: string;
  let commit: string;
  let traceId: string;

  before(async () => {
    const port = await freePort();
    ({ folder, commit } = repositoryWorkspace(port));
    workbench = await Workbench.open({
      folder,
      userSettings: { 'workbench.startupEditor': 'none', 'chat.commandCenter.enabled': false, 'workbench.secondarySideBar.defaultVisibility': 'hidden' },
    });
    await workbench.waitForStatusBarText(/Trace Lens: local · waiting for spans/);
    traceId = await sendDeployedSpan(port, commit);
    await workbench.waitForStatusBarText(/Trace Lens: local · 1 spans?\b/);
  });

  after(async () => {
    await workbench?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  /** Opens the trace by id, selects its span and returns the frame of the waterfall. */
  async function spanDetail(): Promise<Frame> {
    await workbench.runCommand('Trace Lens: Open Trace by ID');
    await workbench.typeIntoQuickInput(/Trace Lens: Open Trace by ID/, traceId);
    const frame = await workbench.webviewFrame('.wf-row:not([hidden]) .wf-name');
    await frame.locator('.wf-row:not([hidden])', { hasText: 'placeOrder' }).first().click();
    await frame.locator('.wf-detail .wf-frames').waitFor();
    return frame;
  }

  const stackFrame = (frame: Frame) => frame.locator('.wf-detail .wf-frames button', { hasText: 'orders.js:5:3' }).first();

  it('lands on the recorded line while the file is as committed, and says the line follows the revision', async () => {
    const frame = await spanDetail();
    const title = await stackFrame(frame).getAttribute('title');
    assert.match(title ?? '', new RegExp(`Recorded at revision ${commit.slice(0, 12)} \\(vcs\\.ref\\.head\\.revision\\)`));
    await stackFrame(frame).click();
    await workbench.page.locator('.tab.active[data-resource-name="orders.js"]').waitFor({ timeout: 30_000 });
    await workbench.waitForStatusBarText(/Ln 5, Col 3/);
  });

  it('lands on the function after three lines were inserted above it and saved', async () => {
    const page = workbench.page;
    // The click on the frame left the keyboard in the webview: give it to the editor.
    await page.locator('.monaco-editor .view-line', { hasText: 'use strict' }).first().click();
    await page.keyboard.press('Control+Home');
    // Statements, not comments: Enter after a line comment continues the comment.
    for (const text of ['const added1 = 1;', 'const added2 = 2;', 'const added3 = 3;']) {
      await page.keyboard.type(text);
      await page.keyboard.press('Enter');
    }
    await page.keyboard.press('Control+S');
    const file = path.join(folder, 'src/orders.js');
    // The state is the file on disk: the editor writes it some time after Ctrl+S.
    await waitForState('the inserted lines saved', async () => (readFileSync(file, 'utf8').startsWith('const added1 = 1;\nconst added2 = 2;\nconst added3 = 3;\n') ? true : undefined), 30_000);
    assert.equal(readFileSync(file, 'utf8').split('\n')[7], 'function placeOrder(order) {');

    const frame = await spanDetail();
    await stackFrame(frame).click();
    await workbench.waitForStatusBarText(/Ln 8, Col 3/);
    await workbench.screenshot('e2e-source-revision-frame');

    // The span's own code.lineno (the detail's Source link) follows the same way.
    const again = await spanDetail();
    await again.locator('.wf-detail .wf-source button').click();
    await workbench.waitForStatusBarText(/Ln 8, Col 1/);
  });
});
