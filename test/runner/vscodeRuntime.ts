import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '../..');

export interface VscodeRuntime {
  /** code-server's entry script. */
  codeServerEntry: string;
  /** The Node 24 binary code-server requires. */
  node: string;
}

/**
 * Installs (once, into a cache outside the repo) and locates code-server and the Node it needs.
 * The shell script does the work so CI, the demo and the tests share one install path.
 */
export async function ensureVscodeRuntime(): Promise<VscodeRuntime> {
  const started = Date.now();
  const { stdout } = await run('bash', [path.join(repoRoot, 'scripts/ensure-vscode-runtime.sh')], {
    maxBuffer: 1 << 20,
    timeout: 20 * 60_000,
  });
  const [codeServerEntry, node] = stdout.trim().split('\n').slice(-2);
  if (!codeServerEntry || !node) throw new Error(`ensure-vscode-runtime.sh printed no paths:\n${stdout}`);
  const seconds = (Date.now() - started) / 1000;
  if (seconds > 5) console.log(`[runtime] VS Code runtime ready in ${seconds.toFixed(1)} s`);
  return { codeServerEntry, node };
}

export const CHROMIUM = process.env.TRACE_LENS_CHROMIUM ?? '/usr/bin/chromium';
export { repoRoot };
