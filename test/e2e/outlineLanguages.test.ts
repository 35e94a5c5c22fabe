import * as assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureJavaJars, ensurePythonOtel, run } from '../receiver/receiverHarness';
import { freePort } from '../runner/codeServer';
import { repoRoot } from '../runner/vscodeRuntime';
import { Workbench } from '../runner/workbench';
import { GO_SPANS_FIXTURE } from './recordGoOutlineSpans';
import { sendBatches } from './sdkSpans';

// Issue 23 as a person sees it, in a workbench with no Java, Python, Go or C# extension (code-server
// ships only their syntax colouring): lenses above the traced functions' first lines (annotations,
// decorators and attributes included) and hovers on their names, from
//   Java:   the OpenTelemetry Java agent 2.10.0 run live, its default attributes (code.namespace + code.function, no file);
//   Python: the OpenTelemetry Python SDK run live with the README's CodeLocationProcessor (file + line of the `with`);
//   Go:     spans recorded from a real run of the Go SDK 1.38.0 (test/e2e/recordGoOutlineSpans.ts), code.function.name only;
//   C#:     no .NET SDK here: spans in the shape the .NET SDK exports (ActivitySource scope, telemetry.sdk.language
//           dotnet) with the code.namespace + code.function tags an enricher adds, sent through the JS SDK.
// Run `npm run package` first.

const FIXTURE = path.join(repoRoot, 'test/workspaces/outline-languages');
const USER_SETTINGS = { 'workbench.startupEditor': 'none', 'chat.commandCenter.enabled': false, 'workbench.secondarySideBar.defaultVisibility': 'hidden' };
/** 13 Java (8 checkout, 5 restock) + 10 Python + 17 Go + 8 C#. */
const TOTAL_SPANS = 48;

/** Replays the recorded Go spans with their times moved so the last one ended a few seconds ago. */
async function replayGoSpans(port: number): Promise<void> {
  const request = JSON.parse(readFileSync(GO_SPANS_FIXTURE, 'utf8')) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ startTimeUnixNano: string; endTimeUnixNano: string }> }> }> };
  const spans = request.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
  const lastEnd = spans.reduce((max, s) => (BigInt(s.endTimeUnixNano) > max ? BigInt(s.endTimeUnixNano) : max), 0n);
  const shift = BigInt(Date.now() - 5_000) * 1_000_000n - lastEnd;
  for (const s of spans) {
    s.startTimeUnixNano = String(BigInt(s.startTimeUnixNano) + shift);
    s.endTimeUnixNano = String(BigInt(s.endTimeUnixNano) + shift);
  }
  const response = await fetch(`http://127.0.0.1:${port}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
  assert.equal(response.status, 200, await response.text());
}

/** Compiles the Java program outside the workspace and runs it under the agent with its defaults (only where to export and the service name set). */
async function runJavaAgent(port: number, workDir: string, folder: string): Promise<void> {
  const jars = await ensureJavaJars();
  const classpath = [jars.annotations, jars.api, jars.context].join(path.delimiter);
  const classes = path.join(workDir, 'classes');
  mkdirSync(classes);
  await run('javac', ['-cp', classpath, '-d', classes, path.join(folder, 'java/src/main/java/com/example/shop/Shop.java')]);
  await run('java', [`-javaagent:${jars.agent}`, `-Dotel.exporter.otlp.endpoint=http://127.0.0.1:${port}`, '-Dotel.service.name=java-shop', '-cp', [classes, classpath].join(path.delimiter), 'com.example.shop.Shop'], { timeoutMs: 180_000 });
}

async function runPythonService(port: number, folder: string): Promise<void> {
  const python = await ensurePythonOtel();
  await run(python, ['run_orders.py', `http://127.0.0.1:${port}`], { cwd: path.join(folder, 'python'), timeoutMs: 120_000 });
}

async function sendDotnetShapedSpans(port: number): Promise<void> {
  const tags = (fn: string) => ({ 'code.namespace': 'Shop.Orders.OrderService', 'code.function': fn });
  await sendBatches(port, [
    { name: 'checkout', attributes: tags('CheckoutAsync'), durationsMs: [11, 12, 13, 14, 15] },
    { name: 'refund', attributes: tags('Refund'), durationsMs: [2, 3, 4] },
  ], { resource: { 'service.name': 'dotnet-orders', 'telemetry.sdk.language': 'dotnet', 'telemetry.sdk.name': 'opentelemetry', 'telemetry.sdk.version': '1.9.0' }, scope: 'Shop.Orders' });
}

describe('lenses above traced functions in Java, Python, Go and C# without language extensions', function () {
  this.timeout(420_000);
  let workbench: Workbench;
  let folder: string;
  let workDir: string;

  /** Waits until a lens whose text matches `lens` is drawn right above the line whose text is `line`. */
  async function lensAbove(line: string, lens: RegExp): Promise<void> {
    const placed = await workbench.page
      .waitForFunction(
        ([lineText, lensSource]) => {
          // Runs in the page; the test's tsconfig has no DOM types.
          type Node = { textContent: string | null; getBoundingClientRect(): { top: number; height: number } };
          const doc = (globalThis as unknown as { document: { querySelectorAll(selector: string): Iterable<Node> } }).document;
          const row = [...doc.querySelectorAll('.monaco-editor .view-line')].find((l) => (l.textContent ?? '').replace(/\u00a0/g, ' ').trim() === lineText);
          if (!row) return false;
          const d = row.getBoundingClientRect();
          const pattern = new RegExp(lensSource);
          return [...doc.querySelectorAll('.codelens-decoration')].some((l) => {
            if (!pattern.test(l.textContent ?? '')) return false;
            const b = l.getBoundingClientRect();
            return b.top <= d.top && d.top - b.top < d.height * 2;
          });
        },
        [line, lens.source] as const,
        { timeout: 90_000, polling: 'raf' },
      )
      .then(() => true, () => false);
    if (!placed) {
      const shot = await workbench.screenshot(`outline-languages-missing-${line.replace(/\W+/g, '-').slice(0, 40)}`);
      assert.fail(`no lens matching ${lens} above "${line}" (lenses: ${(await workbench.page.locator('.codelens-decoration').allInnerTexts()).join(' | ')}; ${shot})`);
    }
  }

  /** The hover on a name token; the mouse moves away and back when a first try shows nothing. */
  async function hoverOn(name: string): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      await workbench.page.mouse.move(0, 0);
      try {
        const text = await workbench.hoverText(name, 10_000);
        if (/Trace Lens/.test(text)) return text;
      } catch (err) {
        if (attempt >= 4) throw err;
      }
      if (attempt >= 4) assert.fail(`no Trace Lens hover on ${name}`);
    }
  }

  before(async () => {
    const port = await freePort();
    folder = mkdtempSync(path.join(os.tmpdir(), 'trace-lens-outline-'));
    workDir = mkdtempSync(path.join(os.tmpdir(), 'trace-lens-outline-build-'));
    cpSync(FIXTURE, folder, { recursive: true });
    // The C# service is the in-host suite's fixture.
    mkdirSync(path.join(folder, 'dotnet/Services'), { recursive: true });
    copyFileSync(path.join(repoRoot, 'test/workspaces/basic/outline/OrderService.cs'), path.join(folder, 'dotnet/Services/OrderService.cs'));
    mkdirSync(path.join(folder, '.vscode'));
    writeFileSync(path.join(folder, '.vscode/settings.json'), JSON.stringify({ 'traceLens.local.port': port }));
    workbench = await Workbench.open({ folder, userSettings: USER_SETTINGS, vsix: process.env.TRACE_LENS_VSIX });
    await workbench.waitForStatusBarText(/Trace Lens: local · waiting for spans/, 60_000);
    await Promise.all([runJavaAgent(port, workDir, folder), runPythonService(port, folder), replayGoSpans(port), sendDotnetShapedSpans(port)]);
    await workbench.waitForStatusBarText(new RegExp(`Trace Lens: local · ${TOTAL_SPANS} spans`), 60_000);
  });

  after(async () => {
    await workbench?.close();
    for (const dir of [folder, workDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('Java agent 2.10.0 defaults: lenses above both @WithSpan annotations, hovers on the method names', async () => {
    await workbench.openFile('Shop.java');
    await lensAbove('@WithSpan', /· 8 calls ·/);
    await lensAbove('@WithSpan("refill stock")', /· 5 calls ·/);
    const texts = (await workbench.codeLensTexts()).filter((t) => /calls/.test(t));
    assert.equal(texts.length, 2, `only the traced methods: ${texts.join(' | ')}`);
    assert.match(await hoverOn('checkout'), /calls\s+8/);
    assert.match(await hoverOn('restock'), /calls\s+5/);
    await workbench.screenshot('outline-languages-java');
  });

  it('Python SDK with the README processor: lenses above the decorated def and the def, hovers on the names', async () => {
    await workbench.openFile('service.py');
    await lensAbove('@audited', /· 7 calls ·/);
    await lensAbove('def cancel_order(self, order_id):', /· 3 calls ·/);
    assert.match(await hoverOn('create_order'), /calls\s+7/);
    assert.match(await hoverOn('cancel_order'), /calls\s+3/);
    await workbench.screenshot('outline-languages-python');
  });

  it('Go SDK spans with only code.function.name: lenses above the method (receiver type) and the function', async () => {
    await workbench.openFile('server.go');
    await lensAbove('func (s *Server) Serve(ctx context.Context) error {', /· 12 calls ·/);
    await lensAbove('func Quote(ctx context.Context, items int) int {', /· 5 calls ·/);
    assert.match(await hoverOn('Serve'), /calls\s+12/);
    await workbench.screenshot('outline-languages-go');
  });

  it('C# spans with only code.namespace + code.function: lenses above the attribute and the method', async () => {
    await workbench.openFile('OrderService.cs');
    await lensAbove('[Obsolete("use CheckoutV2Async")]', /· 5 calls ·/);
    await lensAbove('public int Refund(int order)', /· 3 calls ·/);
    assert.match(await hoverOn('CheckoutAsync'), /calls\s+5/);
    await workbench.screenshot('outline-languages-csharp');
  });
});
