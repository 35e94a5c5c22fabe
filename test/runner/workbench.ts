import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { launchBrowser, type RunningBrowser } from './browser';
import { runCodeServerCli, startCodeServer, workbenchUrl, type RunningCodeServer } from './codeServer';
import { repoRoot } from './vscodeRuntime';

export const ARTIFACTS = path.join(repoRoot, 'test-results');

/**
 * A real VS Code workbench (code-server in headless Chromium) with the packaged extension installed
 * through `--install-extension`, for end-to-end checks of what a person sees.
 */
/** Records the text of each modal dialog as it appears in `page` (see Workbench.dialogsSeen). */
function watchDialogs(page: Page, seen: string[]): void {
  const marker = '[trace-lens-test] dialog: ';
  page.on('console', (message) => {
    const text = message.text();
    if (text.startsWith(marker)) seen.push(text.slice(marker.length));
  });
  // In-page code as a string: this file compiles without the DOM library.
  void page
    .evaluate(`(() => {
      const reported = new WeakSet();
      new MutationObserver(() => {
        for (const box of document.querySelectorAll('.monaco-dialog-box')) {
          if (reported.has(box)) continue;
          reported.add(box);
          // Its text is filled in after the box is attached.
          requestAnimationFrame(() => console.log(${JSON.stringify(marker)} + box.innerText.replace(/\\s+/g, ' ').slice(0, 300)));
        }
      }).observe(document.body, { childList: true, subtree: true });
    })()`)
    .catch(() => undefined);
}

export class Workbench {
  private constructor(
    readonly server: RunningCodeServer,
    private readonly browser: RunningBrowser,
    readonly page: Page,
    /** False for a window opened by openWindow(): closing it leaves the server and browser to the first. */
    private readonly ownsServer = true,
  ) {
    watchDialogs(page, this.dialogsSeen);
  }

  /**
   * The text of every modal dialog VS Code showed in this window, in order. Trace Lens opens none, so
   * a test that finds its click intercepted can say which dialog of VS Code's own was in the way.
   */
  readonly dialogsSeen: string[] = [];

  static async open(options: {
    folder: string;
    vsix?: string;
    userSettings?: Record<string, unknown>;
    colorScheme?: 'light' | 'dark';
    env?: NodeJS.ProcessEnv;
  }): Promise<Workbench> {
    // No test here speaks gRPC: off, so workbenches never contend for 4317 (or meet a developer's Collector).
    const userSettings = { 'traceLens.local.grpcPort': 0, ...options.userSettings };
    const server = await startCodeServer({ label: 'e2e', userSettings, env: options.env });
    const vsix = options.vsix ?? path.join(repoRoot, 'trace-lens.vsix');
    const install = await runCodeServerCli(['--extensions-dir', server.extensionsDir, '--user-data-dir', server.userDataDir, '--install-extension', vsix]);
    if (install.code !== 0 || !/successfully installed/i.test(install.output)) {
      await server.stop();
      throw new Error(`code-server refused ${vsix}:\n${install.output}`);
    }
    const browser = await launchBrowser({ colorScheme: options.colorScheme });
    const page = await browser.context.newPage();
    // Playwright's 30 s default is short for a workbench on two busy cores; waits still end on state.
    page.setDefaultTimeout(60_000);
    await page.goto(workbenchUrl(server, options.folder));
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    return new Workbench(server, browser, page);
  }

  /**
   * Clicks `target` once no modal dialog covers the window. A dialog VS Code puts up by itself (a lost
   * connection to its server on two busy cores shows one until it has reconnected) is waited out while
   * it shows progress, and dismissed with Escape otherwise; either way the log names it.
   */
  async clickPastDialogs(target: Locator, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const dialog = this.page.locator('.monaco-dialog-box');
    for (;;) {
      try {
        await target.click({ timeout: 10_000 });
        return;
      } catch (err) {
        if (Date.now() > deadline || !(await dialog.isVisible())) throw err;
        const text = (await dialog.innerText().catch(() => '')).replace(/\s+/g, ' ').slice(0, 300);
        console.log(`      a VS Code dialog covered the window: ${text}`);
        await this.screenshot(`dialog-${Date.now()}`);
        // A pending dialog (spinning icon: "Attempting to reconnect…") closes by itself once done.
        const pending = (await this.page.locator('.monaco-dialog-box .codicon-loading').count()) > 0;
        if (pending) await dialog.waitFor({ state: 'hidden', timeout: Math.max(1, deadline - Date.now()) }).catch(() => undefined);
        else await this.page.keyboard.press('Escape');
        if (Date.now() > deadline && (await dialog.isVisible())) throw new Error(`a VS Code dialog stayed over the window: ${text}`);
      }
    }
  }

  /** A second window of the same VS Code (same user settings, its own extension host) on another folder. */
  async openWindow(folder: string): Promise<Workbench> {
    const page = await this.browser.context.newPage();
    page.setDefaultTimeout(60_000);
    await page.goto(workbenchUrl(this.server, folder));
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    return new Workbench(this.server, this.browser, page, false);
  }

  /** Text of every status bar item, e.g. to find `Trace Lens: local`. */
  async statusBarTexts(): Promise<string[]> {
    return this.page.locator('.statusbar-item').allInnerTexts();
  }

  async waitForStatusBarText(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    const item = this.page.locator('.statusbar-item', { hasText: pattern }).first();
    await item.waitFor({ timeout: timeoutMs });
    return item.innerText();
  }

  /**
   * The text of the first notification matching `hasText`, read in the notification center (a
   * headless window has no focus, so notifications go there, not to toasts), which is left open or
   * closed as it was found. A modal dialog over the window fails it: nothing here dismisses one.
   * `screenshot`: a name to save the window under while the notification shows.
   */
  async notificationText(hasText: RegExp, options: { screenshot?: string; timeoutMs?: number } = {}): Promise<string> {
    const bell = this.page.locator('[id="status.notifications"]');
    const center = this.page.locator('.notifications-center');
    const wasOpen = await center.isVisible();
    if (!wasOpen) await bell.click();
    try {
      const item = center.locator('.notification-list-item', { hasText }).first();
      await item.waitFor({ timeout: options.timeoutMs ?? 60_000 });
      if (options.screenshot) await this.screenshot(options.screenshot);
      return await item.innerText();
    } finally {
      if (!wasOpen) {
        await bell.click();
        await center.waitFor({ state: 'hidden' });
      }
    }
  }

  /** Runs a command from the palette by its title, as a person would (F1, type, Enter). */
  async runCommand(title: string): Promise<void> {
    // Right after start-up the palette may not list extension commands yet: retry a few times.
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('Escape');
      await this.page.keyboard.press('F1');
      const input = this.page.locator('.quick-input-widget input');
      await input.waitFor();
      await input.fill(`>${title}`);
      const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
      try {
        await row.waitFor({ timeout: 10_000 });
      } catch (err) {
        if (attempt >= 3) throw err;
        continue;
      }
      await this.page.keyboard.press('Enter');
      return;
    }
  }

  /**
   * The quick input of one step of a flow, once VS Code shows it. Steps reuse one widget, so a helper
   * that acted on "the" quick input could type into the step that is closing; waiting for the step's
   * title ties each action to the step it is meant for.
   */
  private async quickInputStep(step: RegExp, timeoutMs: number): Promise<Locator> {
    const widget = this.page.locator('.quick-input-widget').filter({ has: this.page.locator('.quick-input-title', { hasText: step }) });
    await widget.waitFor({ state: 'visible', timeout: timeoutMs });
    return widget;
  }

  /** Waits until the step titled `step` has closed (accepted, or replaced by the next step). */
  private async stepClosed(step: RegExp, timeoutMs: number): Promise<void> {
    const title = this.page.locator('.quick-input-widget:visible .quick-input-title', { hasText: step });
    await title.waitFor({ state: 'hidden', timeout: timeoutMs });
  }

  /** Chooses the item with this label in the quick pick whose title matches `step`. */
  async pickQuickInputItem(step: RegExp, label: string, timeoutMs = 60_000): Promise<void> {
    const widget = await this.quickInputStep(step, timeoutMs);
    const row = widget.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
    await row.waitFor({ timeout: timeoutMs });
    await row.click();
    await this.stepClosed(step, timeoutMs);
  }

  /** Types into the input box whose title matches `step` and accepts it. */
  async typeIntoQuickInput(step: RegExp, text: string, timeoutMs = 60_000): Promise<void> {
    const widget = await this.quickInputStep(step, timeoutMs);
    const input = widget.locator('.quick-input-box input');
    await input.fill(text);
    // Enter must accept this value, not one the box was still settling (its default value).
    const value = await input.inputValue();
    if (value !== text) throw new Error(`the input box of step ${step} holds "${value}", not "${text}"`);
    await input.press('Enter');
    await this.stepClosed(step, timeoutMs);
  }

  /**
   * Picks a file in VS Code's simple file dialog (what showOpenDialog is in a browser workbench).
   * The dialog lists the folder again on every change of its value and takes Enter only once it
   * has settled on the typed path; an Enter it ignored is pressed again while the dialog stays open.
   */
  async pickInFileDialog(step: RegExp, filePath: string, timeoutMs = 60_000): Promise<void> {
    const widget = await this.quickInputStep(step, timeoutMs);
    const input = widget.locator('.quick-input-box input');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await input.inputValue().catch(() => filePath)) !== filePath) await input.fill(filePath);
      await input.press('Enter').catch(() => undefined);
      try {
        await this.stepClosed(step, 5_000);
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
    }
  }

  /** Opens a workspace file through Quick Open and waits for its editor. */
  async openFile(relativePath: string): Promise<void> {
    await this.page.keyboard.press('Escape'); // close hovers or widgets that would take the keystrokes
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(relativePath);
    // Recently opened files are listed before the filter applies: wait for the row of this file.
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: path.basename(relativePath) }).first();
    await row.waitFor();
    await row.click();
    await this.page.locator(`.tab[data-resource-name="${path.basename(relativePath)}"]`).waitFor();
    await this.page.locator('.monaco-editor .view-lines').first().waitFor();
  }

  /** The CodeLens texts currently rendered in the active editor. */
  async codeLensTexts(timeoutMs = 30_000): Promise<string[]> {
    await this.page.locator('.codelens-decoration').first().waitFor({ timeout: timeoutMs });
    return this.page.locator('.codelens-decoration').allInnerTexts();
  }

  /** Hovers the first occurrence of `text` in the active editor and returns the hover's text. */
  async hoverText(text: string, timeoutMs = 30_000): Promise<string> {
    const exact = new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    const token = this.page.locator('.monaco-editor .view-line span span').filter({ hasText: exact }).first();
    await token.hover();
    const hover = this.page.locator('.monaco-hover:not(.hidden) .monaco-hover-content, .monaco-hover-content').first();
    await hover.waitFor({ state: 'visible', timeout: timeoutMs });
    return hover.innerText();
  }

  /**
   * Hovers the token of the active editor whose whole text is `token` until a hover with `hasText`
   * shows, and returns that hover. A hover shows after the mouse moves onto the token: the mouse
   * moves away and back when a try missed.
   */
  async hoverUntil(token: RegExp, hasText: string, attempts = 4): Promise<Locator> {
    const target = this.page.locator('.monaco-editor .view-line span span').filter({ hasText: token }).first();
    const hover = this.page.locator('.monaco-hover', { hasText }).first();
    for (let attempt = 1; ; attempt++) {
      await this.page.mouse.move(0, 0);
      await target.hover();
      try {
        await hover.waitFor({ state: 'visible', timeout: 10_000 });
        return hover;
      } catch (err) {
        if (attempt >= attempts) throw err;
      }
    }
  }

  /** The frame of the first visible webview whose inner document has `selector`. */
  async webviewFrame(selector: string, timeoutMs = 30_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const frame of this.page.frames()) {
        if (frame.url().includes('fake.html') || frame.name() === 'active-frame' || frame.url().startsWith('vscode-webview')) {
          const count = await frame.locator(selector).count().catch(() => 0);
          if (count > 0) return frame;
        }
      }
      await this.page.waitForTimeout(200);
    }
    throw new Error(`no webview with ${selector} within ${timeoutMs} ms`);
  }

  /**
   * The last lines of Trace Lens's log channel in this VS Code (every window's), and the extension
   * host's lines about Trace Lens and its errors, for a failure message: what the extension was doing
   * when a test gave up waiting.
   */
  extensionLogTail(lines = 60): string {
    const logs: string[] = [];
    const walk = (dir: string): void => {
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) walk(full);
        else if (e.name === 'Trace Lens.log' || e.name === 'exthost.log' || e.name === 'remoteexthost.log') logs.push(full);
      }
    };
    walk(path.join(this.server.userDataDir, 'logs'));
    // The extension host's own log: what it says of Trace Lens (a provider that threw) and its errors.
    const relevant = (file: string, text: string): string[] =>
      file.endsWith('Trace Lens.log') ? text.split('\n') : text.split('\n').filter((l) => /trace-lens|Trace Lens|\[error\]/.test(l));
    return logs.map((file) => `${file}:\n${relevant(file, readFileSync(file, 'utf8')).slice(-lines).join('\n')}`).join('\n') || '(no Trace Lens log found)';
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  async close(): Promise<void> {
    if (this.dialogsSeen.length) console.log(`      VS Code dialogs this window showed: ${JSON.stringify(this.dialogsSeen)}`);
    if (!this.ownsServer) {
      await this.page.close();
      return;
    }
    await this.browser.close();
    await this.server.stop();
  }
}
