// `npm run demo`: builds and packages Trace Lens, installs it into a real VS Code (code-server) with a
// persistent demo profile, opens the sample workspace in examples/, and prints the URL to open.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCodeServerCli, startCodeServer, workbenchUrl } from '../test/runner/codeServer';
import { repoRoot } from '../test/runner/vscodeRuntime';

async function main(): Promise<void> {
  const pack = spawnSync('npm', ['run', 'package'], { cwd: repoRoot, stdio: 'inherit' });
  if (pack.status !== 0) throw new Error('npm run package failed');

  const home = process.env.TRACE_LENS_DEMO_HOME ?? path.join(os.homedir(), '.cache/trace-lens-dev/demo');
  const userDataDir = path.join(home, 'user-data');
  const extensionsDir = path.join(home, 'extensions');
  mkdirSync(userDataDir, { recursive: true });
  const install = await runCodeServerCli(['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--force', '--install-extension', path.join(repoRoot, 'trace-lens.vsix')]);
  if (install.code !== 0) throw new Error(`code-server could not install the extension:\n${install.output}`);

  const port = Number(process.env.TRACE_LENS_DEMO_PORT ?? 0) || undefined;
  const server = await startCodeServer({ label: 'demo', userDataDir, extensionsDir, port });
  const workspace = path.join(repoRoot, 'examples/order-service');
  const url = workbenchUrl(server, workspace);
  console.log('\nTrace Lens demo is running in VS Code (code-server).');
  console.log(`Open: ${url}`);
  console.log(`Log:  ${server.logFile}`);
  console.log('Press Ctrl+C to stop.\n');

  const stop = async () => {
    await server.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  await new Promise(() => undefined);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
