import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../runner/codeServer';
import { repoRoot } from '../runner/vscodeRuntime';
import { Workbench } from '../runner/workbench';
import { sendBatches } from './sdkSpans';

// Latency above functions as a person sees it: lenses over the code, the hover, a click on a lens
// that lists example traces and opens one in the waterfall. Run `npm run package` first.

const FIXTURE = path.join(repoRoot, 'test/workspaces/basic/latency/latencyCheckout.ts');
const USER_SETTINGS = { 'workbench.startupEditor': 'none', 'chat.commandCenter.enabled': false, 'workbench.secondarySideBar.defaultVisibility': 'hidden' };

function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `"${needle}" not in the fixture`);
  return i + 1;
}

describe('latency above functions in the workbench', function () {
  this.timeout(240_000);
  let workbench: Workbench;
  let folder: string;
  let traceIds: Map<string, string[]>;

  before(async () => {
    const port = await freePort();
    folder = mkdtempSync(path.join(os.tmpdir(), 'trace-lens-latency-'));
    mkdirSync(path.join(folder, '.vscode'));
    mkdirSync(path.join(folder, 'latency'));
    writeFileSync(path.join(folder, '.vscode/settings.json'), JSON.stringify({ 'traceLens.local.port': port }));
    copyFileSync(FIXTURE, path.join(folder, 'latency/latencyCheckout.ts'));
    const text = readFileSync(FIXTURE, 'utf8');
    workbench = await Workbench.open({ folder, userSettings: USER_SETTINGS, vsix: process.env.TRACE_LENS_VSIX });
    await workbench.waitForStatusBarText(/Trace Lens: local · waiting for spans/, 60_000);
    traceIds = await sendBatches(port, [
      { name: 'validate cart', attributes: { 'code.file.path': '/srv/app/latency/latencyCheckout.ts', 'code.function.name': 'validateCart', 'code.line.number': lineOf(text, 'validateCart span line') }, durationsMs: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100], errors: [9] },
      { name: 'price items', attributes: { 'code.filepath': 'latency/latencyCheckout.ts', 'code.function': 'priceItems', 'code.lineno': lineOf(text, 'priceItems span line') }, durationsMs: [5, 6, 7, 8] },
    ]);
    await workbench.waitForStatusBarText(/Trace Lens: local · 14 spans/, 30_000);
  });

  after(async () => {
    await workbench?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('shows the lens text above the traced functions only', async () => {
    await workbench.openFile('latency/latencyCheckout.ts');
    const page = workbench.page;
    await page.locator('.codelens-decoration', { hasText: /10 calls · 10% errors/ }).first().waitFor({ timeout: 60_000 });
    await page.locator('.codelens-decoration', { hasText: /4 calls · 0% errors/ }).first().waitFor({ timeout: 30_000 });
    const texts = (await workbench.codeLensTexts()).filter((t) => /calls/.test(t));
    assert.equal(texts.length, 2, `lenses: ${texts.join(' | ')}`);
    assert.match(texts.join('\n'), /p50 5\d(\.\d)? ms · p95 needs ≥ 20 samples · p99 needs ≥ 100 samples · last 1h · 10 calls · 10% errors$/m);
    await workbench.screenshot('latency-codelens');
  });

  it('hovers a function: percentiles, calls, errors, links to traces', async () => {
    const page = workbench.page;
    const hover = await workbench.hoverUntil(/^validateCart$/, 'Trace Lens');
    const text = await hover.innerText();
    assert.match(text, /p50/);
    assert.match(text, /p95\s+needs ≥ 20 samples/);
    assert.match(text, /calls\s+10/);
    assert.match(text, /Slowest trace/);
    assert.match(text, /Latest failing trace/);
    assert.match(text, /Example traces/);
    await workbench.screenshot('latency-hover');
    await page.keyboard.press('Escape');
  });

  it('Explain Source Mapping from the palette opens a report on the active file', async () => {
    const page = workbench.page;
    await page.mouse.move(0, 0);
    await workbench.runCommand('Trace Lens: Explain Source Mapping');
    await page.locator('.tab', { hasText: 'Trace Lens Source Mapping.md' }).first().waitFor({ timeout: 30_000 });
    const report = page.locator('.monaco-editor .view-lines', { hasText: 'Active document' }).first();
    await report.waitFor({ timeout: 30_000 });
    // Markdown wraps long lines in the editor: join them before matching.
    const text = (await report.innerText()).replace(/\u00a0/g, ' ').replace(/\n/g, '');
    assert.match(text, /# Trace Lens: source mapping/);
    assert.match(text, /Active document: latency\/latencyCheckout\.ts/);
    await workbench.screenshot('latency-explain');
    // Close the report (opened beside the source); its empty group closes and the fixture has focus again.
    await workbench.runCommand('View: Close Editor');
    await page.locator('.tab', { hasText: 'Trace Lens Source Mapping.md' }).waitFor({ state: 'detached', timeout: 10_000 });
    await workbench.openFile('latency/latencyCheckout.ts');
    await workbench.screenshot('latency-after-explain');
  });

  it('a click on a lens lists example traces and opens the picked one in the waterfall', async () => {
    const page = workbench.page;
    await page.mouse.move(0, 0);
    await page.keyboard.press('Escape');
    await page.locator('.codelens-decoration a', { hasText: /10 calls/ }).first().click();
    const slowest = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'slowest' }).first();
    await slowest.waitFor({ timeout: 30_000 });
    assert.match(await slowest.innerText(), /100 ms/);
    await workbench.screenshot('latency-quickpick');
    await slowest.click();
    const frame = await workbench.webviewFrame('.wf-title-name');
    await frame.locator('.wf-title-name', { hasText: 'validate cart' }).waitFor({ timeout: 30_000 });
    const id = traceIds.get('validate cart')![9];
    assert.ok(id);
    await workbench.screenshot('latency-waterfall');
  });
});

describe('the demo order service gets lenses above its functions', function () {
  this.timeout(480_000);
  let workbench: Workbench;
  let service: ChildProcess | undefined;

  after(async () => {
    if (service && service.exitCode === null) {
      const exited = new Promise((resolve) => service?.once('exit', resolve));
      service.kill('SIGTERM');
      await exited;
    }
    await workbench?.close();
  });

  it('shows latency above validateOrder, checkInventory and processPayment in orders.js', async () => {
    const port = await freePort();
    const folder = path.join(repoRoot, 'examples/order-service');
    // The port in user settings: the example's folder stays untouched.
    workbench = await Workbench.open({ folder, userSettings: { ...USER_SETTINGS, 'traceLens.local.port': port }, vsix: process.env.TRACE_LENS_VSIX });
    await workbench.waitForStatusBarText(/Trace Lens: local · waiting for spans/, 60_000);
    let output = '';
    service = spawn(process.execPath, [path.join(folder, 'server.js')], {
      cwd: folder,
      env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, ORDERS_PER_SECOND: '10' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    service.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    service.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    await workbench.waitForStatusBarText(/Trace Lens: local · [1-9]/, 60_000).catch((err: Error) => {
      throw new Error(`${err.message}\norder-service output:\n${output}`);
    });
    const ordersText = readFileSync(path.join(folder, 'orders.js'), 'utf8');
    await workbench.openFile('orders.js');
    const page = workbench.page;
    await page.locator('.codelens-decoration', { hasText: /calls/ }).first().waitFor({ timeout: 60_000 }).catch(async (err: Error) => {
      await workbench.screenshot('latency-demo-orders-no-lens');
      throw new Error(`${err.message}\nTrace Lens log:\n${workbench.extensionLogTail()}`);
    });
    // Each traced function's lens sits on the line above its declaration (Monaco renders spaces as U+00A0: \s).
    for (const fn of ['validateOrder', 'checkInventory', 'processPayment']) {
      // Reveal the declaration (the editor renders only the visible lines).
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+G');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor();
      await input.fill(`:${lineOf(ordersText, `async function ${fn}(`)}`);
      await page.keyboard.press('Enter');
      const declaration = `async function ${fn}(`;
      await page.locator('.view-line', { hasText: new RegExp(`async\\sfunction\\s${fn}\\(`) }).first().waitFor({ timeout: 30_000 });
      // Lenses arrive and shift the lines below them while the editor settles: read the declaration's
      // and the lenses' boxes in the same frame, and wait until a lens sits right above the declaration.
      const placed = await page
        .waitForFunction(
          (decl) => {
            // Runs in the page; the test's tsconfig has no DOM types.
            type Node = { textContent: string | null; getBoundingClientRect(): { top: number; height: number } };
            const doc = (globalThis as unknown as { document: { querySelectorAll(selector: string): Iterable<Node> } }).document;
            const line = [...doc.querySelectorAll('.monaco-editor .view-line')].find((l) => (l.textContent ?? '').replace(/\u00a0/g, ' ').includes(decl));
            if (!line) return false;
            const d = line.getBoundingClientRect();
            return [...doc.querySelectorAll('.codelens-decoration')].some((lens) => {
              if (!/calls/.test(lens.textContent ?? '')) return false;
              const b = lens.getBoundingClientRect();
              // The lens is drawn in the zone just above the declaration (its box may start at the line's own top).
              return b.top <= d.top && d.top - b.top < d.height * 2;
            });
          },
          declaration,
          { timeout: 150_000, polling: 'raf' },
        )
        .then(() => true, () => false);
      if (!placed) {
        await workbench.screenshot('latency-demo-orders-failed');
        const boxes = await Promise.all((await page.locator('.codelens-decoration', { hasText: /calls/ }).all()).map((l) => l.boundingBox()));
        const declBox = await page.locator('.view-line', { hasText: new RegExp(`async\\sfunction\\s${fn}\\(`) }).first().boundingBox();
        assert.fail(`no lens above ${fn} (at ${JSON.stringify(declBox)}) within 150 s: lenses ${JSON.stringify(boxes)}`);
      }
    }
    await workbench.screenshot('latency-demo-orders');
  });
});
