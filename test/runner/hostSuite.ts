import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { format } from 'node:util';
import { launchBrowser } from './browser';
import { freePort, startCodeServer, workbenchUrl } from './codeServer';
import { repoRoot } from './vscodeRuntime';

// Offline chatter of the workbench that says nothing about our suite.
const NOISE = /^\[[A-Za-z][\w:. -]*\]|github|open-vsx|Canceled/i;

export interface HostSuiteResult {
  exitCode: number;
  /** Lines the suite logged (the extension host's console). */
  output: string[];
  seconds: number;
}

/**
 * Runs the mocha suite in dist/test/integration inside a real VS Code extension host (code-server),
 * with the repo as the extension under development, and returns the suite's exit code.
 */
export async function runHostSuite(options: {
  workspace: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  screenshot?: string;
}): Promise<HostSuiteResult> {
  const started = Date.now();
  const workspace = await workspaceCopy(options.workspace);
  const server = await startCodeServer({ label: 'integration' });
  const browser = await launchBrowser();
  const output: string[] = [];
  try {
    const page = await browser.context.newPage();
    let suiteStarted = false;
    let finish!: (code: number) => void;
    const finished = new Promise<number>((resolve) => (finish = resolve));
    await page.exposeFunction('codeAutomationLog', (level: string, args: unknown[]) => {
      const line = format(...(Array.isArray(args) ? args : [args]));
      output.push(line);
      if (line.includes('[trace-lens] integration suite starts')) suiteStarted = true;
      else if (suiteStarted && !NOISE.test(line)) process.stdout.write(`${line}\n`);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => finish(code));
    const url = workbenchUrl(server, workspace.folder, {
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(repoRoot, 'dist/test/integration/index.js'),
      extensionEnvironment: { ...options.env, ...workspace.env },
    });
    await page.goto(url);
    // A guard against a hung host, not a budget: the whole suite takes 3 min idle and 3× that at load 15 on 2 cores.
    const timeoutMs = options.timeoutMs ?? 15 * 60_000;
    const timer = new Promise<number>((resolve) => setTimeout(() => {
      output.push(`[runner] the suite did not finish within ${timeoutMs / 1000} s`);
      resolve(124);
    }, timeoutMs).unref());
    const exitCode = await Promise.race([finished, timer]);
    // Without the suite's own lines a failure cannot be understood: print the whole host console then.
    if (!suiteStarted || exitCode === 124) for (const line of output) process.stdout.write(`${line}\n`);
    if (options.screenshot) {
      mkdirSync(path.dirname(options.screenshot), { recursive: true });
      await page.screenshot({ path: options.screenshot }).catch(() => undefined);
    }
    return { exitCode, output, seconds: (Date.now() - started) / 1000 };
  } finally {
    await browser.close();
    await server.stop();
    rmSync(path.dirname(workspace.folder), { recursive: true, force: true });
  }
}

/**
 * A scratch copy of the test workspace with free receiver ports in its settings (the suite reads them
 * from the environment): runs never share a port, and the suite's setting changes stay in the copy.
 */
async function workspaceCopy(source: string): Promise<{ folder: string; env: Record<string, string> }> {
  const folder = path.join(mkdtempSync(path.join(os.tmpdir(), 'trace-lens-host-')), path.basename(source));
  cpSync(source, folder, { recursive: true });
  const settingsFile = path.join(folder, '.vscode/settings.json');
  const settings = existsSync(settingsFile) ? (JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>) : {};
  const [http, grpc] = [await freePort(), await freePort()];
  mkdirSync(path.dirname(settingsFile), { recursive: true });
  writeFileSync(settingsFile, JSON.stringify({ ...settings, 'traceLens.local.port': http, 'traceLens.local.grpcPort': grpc }, null, 2));
  return { folder, env: { TRACE_LENS_TEST_HTTP_PORT: String(http), TRACE_LENS_TEST_GRPC_PORT: String(grpc) } };
}
