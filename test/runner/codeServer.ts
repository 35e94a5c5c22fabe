import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensureVscodeRuntime } from './vscodeRuntime';

export interface CodeServerOptions {
  /** Extra code-server arguments, e.g. `--install-extension`. */
  extraArgs?: string[];
  /** Settings written to the fresh user-data-dir before start. */
  userSettings?: Record<string, unknown>;
  /** Name used in temp folders and logs. */
  label?: string;
  /** Keep the user data dir (for the demo). */
  userDataDir?: string;
  extensionsDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Fixed port; a free one when absent. */
  port?: number;
}

export interface RunningCodeServer {
  port: number;
  baseUrl: string;
  logFile: string;
  userDataDir: string;
  extensionsDir: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) killTree(child);
});

function killTree(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/** Runs code-server once with the given arguments (e.g. `--install-extension x.vsix`) and waits for it to exit. */
export async function runCodeServerCli(args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  const runtime = await ensureVscodeRuntime();
  return new Promise((resolve, reject) => {
    const child = spawn(runtime.node, [runtime.codeServerEntry, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** Starts code-server on loopback with a fresh profile; resolves once `/healthz` answers. */
export async function startCodeServer(options: CodeServerOptions = {}): Promise<RunningCodeServer> {
  const runtime = await ensureVscodeRuntime();
  const label = options.label ?? 'test';
  const tmp = mkdtempSync(path.join(os.tmpdir(), `trace-lens-${label}-`));
  const userDataDir = options.userDataDir ?? path.join(tmp, 'user-data');
  const extensionsDir = options.extensionsDir ?? path.join(tmp, 'extensions');
  const logFile = path.join(tmp, 'code-server.log');
  if (options.userSettings) {
    const userDir = path.join(userDataDir, 'User');
    mkdirSync(userDir, { recursive: true });
    writeFileSync(path.join(userDir, 'settings.json'), JSON.stringify(options.userSettings, null, 2));
  }
  const port = options.port ?? (await freePort());
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'),
    XDG_DATA_HOME: path.join(tmp, 'xdg-data'),
    ...options.env,
  };
  const args = [
    runtime.codeServerEntry,
    '--config', '/dev/null',
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--vscode-option', 'enable-smoke-test-driver',
    ...(options.extraArgs ?? []),
  ];
  const child = spawn(runtime.node, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.add(child);
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with code ${child.exitCode} before it was ready; see ${logFile}`);
    try {
      const res = await fetch(`${baseUrl}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      killTree(child);
      throw new Error(`code-server did not answer /healthz within 60 s; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    port,
    baseUrl,
    logFile,
    userDataDir,
    extensionsDir,
    async stop() {
      const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
      killTree(child);
      await exited;
      running.delete(child);
      if (!options.userDataDir && !process.env.TRACE_LENS_KEEP_TMP) rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** The workbench URL that opens a folder and, through the smoke-test driver, loads an extension under development. */
export function workbenchUrl(
  server: RunningCodeServer,
  folder: string,
  payload?: { extensionDevelopmentPath?: string; extensionTestsPath?: string; extensionEnvironment?: Record<string, string> },
  /** A file to open in the editor once the workbench is up (the web workbench's `openFile` payload). */
  openFile?: string,
): string {
  const entries: [string, string][] = [];
  const remote = (p: string) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  if (openFile) entries.push(['openFile', remote(openFile)]);
  if (payload?.extensionDevelopmentPath) entries.push(['extensionDevelopmentPath', remote(payload.extensionDevelopmentPath)]);
  if (payload?.extensionTestsPath) entries.push(['extensionTestsPath', remote(payload.extensionTestsPath)]);
  if (payload?.extensionEnvironment) entries.push(['extensionEnvironment', JSON.stringify(payload.extensionEnvironment)]);
  if (payload) entries.push(['disableExtensions', 'true']);
  const query = new URLSearchParams({ folder });
  let url = `${server.baseUrl}/?${query.toString()}`;
  if (entries.length) url += `&payload=${encodeURIComponent(JSON.stringify(entries))}`;
  return url;
}
