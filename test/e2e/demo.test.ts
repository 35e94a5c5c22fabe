import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchBrowser, type RunningBrowser } from '../runner/browser';
import { freePort } from '../runner/codeServer';
import { repoRoot } from '../runner/vscodeRuntime';
import { ARTIFACTS } from '../runner/workbench';

// The README's first command as a new user runs it: `npm run demo`, open the printed URL, see spans
// arrive and orders.js with its lenses.
describe('npm run demo', function () {
  this.timeout(240_000);
  let demo: ChildProcess | undefined;
  let browser: RunningBrowser | undefined;
  const home = mkdtempSync(path.join(os.tmpdir(), 'trace-lens-demo-'));

  after(async () => {
    await browser?.close();
    if (demo?.pid !== undefined && demo.exitCode === null) {
      const exited = new Promise((resolve) => demo?.once('exit', resolve));
      // npm → sh → tsx → node: signal the whole group, so the demo script itself stops code-server and the service.
      process.kill(-demo.pid, 'SIGTERM');
      await exited;
    }
    rmSync(home, { recursive: true, force: true });
  });

  it('prints a URL where VS Code shows spans of the sample service arriving', async () => {
    const otlpPort = await freePort();
    demo = spawn('npm', ['run', 'demo'], {
      cwd: repoRoot,
      env: { ...process.env, TRACE_LENS_DEMO_HOME: home, TRACE_LENS_DEMO_OTLP_PORT: String(otlpPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed within 180 s:\n${output}`)), 180_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /^Open: (http\S+)$/m.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      demo?.stdout?.on('data', onData);
      demo?.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      demo?.once('exit', (code) => reject(new Error(`npm run demo exited with ${code}:\n${output}`)));
    });
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/\?folder=.*order-service/);

    browser = await launchBrowser();
    const page = await browser.context.newPage();
    await page.goto(url);
    const item = page.locator('.statusbar-item', { hasText: /Trace Lens: local · [1-9][\d.k]* spans?/ }).first();
    await item.waitFor({ timeout: 90_000 });
    assert.match(await item.innerText(), /Trace Lens: local · [1-9]/);
    // It lands on orders.js with its latency lenses, not on an empty editor.
    const tab = page.locator('.tab.active[data-resource-name="orders.js"]');
    await tab.waitFor({ timeout: 60_000 });
    const lens = page.locator('.codelens-decoration', { hasText: /p95/ }).first();
    await lens.waitFor({ timeout: 90_000 });
    assert.match(await lens.innerText(), /p95/);
    assert.equal(await page.locator('.part.auxiliarybar').isVisible(), false, 'no Chat (or other) secondary side bar');
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-demo.png') });
  });
});
