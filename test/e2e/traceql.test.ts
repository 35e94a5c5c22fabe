import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTempoReplay, type TempoReplay } from '../backends/harness/tempoReplay';
import { Workbench } from '../runner/workbench';

// Writing TraceQL in the workbench as a person does: a `.traceql` file marks a syntax error as it is
// typed, and completes a span name from the configured Tempo (the replay of Grafana's documented HTTP
// API, test/fixtures/backends/tempo-documented; no Tempo runs), narrowed by the service the query names.
describe('writing TraceQL in the workbench', function () {
  this.timeout(180_000);
  let workbench: Workbench;
  let replay: TempoReplay;
  let folder: string;

  before(async () => {
    replay = await startTempoReplay({ shiftTo: Date.now() });
    folder = mkdtempSync(path.join(os.tmpdir(), 'trace-lens-traceql-'));
    writeFileSync(path.join(folder, 'slow-checkout.traceql'), '{ resource.service.name = "checkout" && }');
    workbench = await Workbench.open({
      folder,
      colorScheme: 'dark',
      userSettings: {
        'workbench.startupEditor': 'none', 'chat.commandCenter.enabled': false, 'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'traceLens.backend.type': 'tempo', 'traceLens.backend.url': replay.url,
      },
    });
    await workbench.waitForStatusBarText(/Trace Lens: Tempo/, 90_000);
  });

  after(async () => {
    await workbench?.close();
    await replay?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('marks the syntax error, completes checkout\'s span names after `name =`, and clears the mark once the query is whole', async () => {
    await workbench.openFile('slow-checkout.traceql');
    const page = workbench.page;
    const squiggle = page.locator('.monaco-editor .squiggly-error');
    await squiggle.first().waitFor({ state: 'attached' });
    // Problems says what is wrong, in the grammar's words.
    await page.keyboard.press('Control+Shift+M');
    const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'Something is missing before "}".' }).first();
    await problem.waitFor({ timeout: 30_000 });
    assert.match(await problem.innerText(), /Trace Lens/);
    // The condition after `&&` is what is missing: type one, before the closing brace.
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.type('name = ');
    const widget = page.locator('.editor-widget.suggest-widget');
    const row = widget.locator('.monaco-list-row', { hasText: 'chargeCard' });
    await row.waitFor({ timeout: 60_000 });
    const labels = await widget.locator('.monaco-list-row .label-name').allInnerTexts();
    assert.ok(!labels.some((l) => l.includes('renderCart')), `only checkout's span names: ${labels.join(', ')}`);
    assert.ok(replay.requests.some((r) => r.query.q === '{ resource.service.name = "checkout" }'), 'Tempo was asked for the names under the query\'s service');
    await workbench.screenshot('traceql');
    await row.click();
    // The editor draws spaces as no-break spaces: \s matches both.
    await page.locator('.monaco-editor .view-line', { hasText: /&&\s+name\s+=\s+"chargeCard"\s*}/ }).first().waitFor();
    await squiggle.first().waitFor({ state: 'detached' });
    await problem.waitFor({ state: 'detached' });
  });
});
