// `npm run demo`: builds and packages Trace Lens, installs it into a real VS Code (code-server) with a
// persistent demo profile, starts the sample order service (examples/order-service) sending spans to
// Trace Lens's built-in OTLP receiver, and prints the URL to open, which opens orders.js.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, runCodeServerCli, startCodeServer, workbenchUrl } from '../test/runner/codeServer';
import { repoRoot } from '../test/runner/vscodeRuntime';

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function main(): Promise<void> {
  const pack = spawnSync('npm', ['run', 'package'], { cwd: repoRoot, stdio: 'inherit' });
  if (pack.status !== 0) throw new Error('npm run package failed');

  const home = process.env.TRACE_LENS_DEMO_HOME ?? path.join(os.homedir(), '.cache/trace-lens-dev/demo');
  const userDataDir = path.join(home, 'user-data');
  const extensionsDir = path.join(home, 'extensions');
  // The receiver's usual port, unless something (a local Collector?) already holds it.
  const otlpPort = Number(process.env.TRACE_LENS_DEMO_OTLP_PORT ?? 0) || ((await portIsFree(4318)) ? 4318 : await freePort());
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  writeFileSync(
    path.join(userDataDir, 'User/settings.json'),
    JSON.stringify({
      'traceLens.local.port': otlpPort,
      'workbench.startupEditor': 'none',
      'security.workspace.trust.enabled': false,
      // The demo is orders.js with its lenses: no Chat in the secondary side bar, and no walkthrough
      // opening over the editor on install (it stays one click away in the status bar's menu).
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      'workbench.welcomePage.walkthroughs.openOnInstall': false,
    }, null, 2),
  );
  const install = await runCodeServerCli(['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--force', '--install-extension', path.join(repoRoot, 'trace-lens.vsix')]);
  if (install.code !== 0) throw new Error(`code-server could not install the extension:\n${install.output}`);

  const port = Number(process.env.TRACE_LENS_DEMO_PORT ?? 0) || undefined;
  const server = await startCodeServer({ label: 'demo', userDataDir, extensionsDir, port });
  const workspace = path.join(repoRoot, 'examples/order-service');
  const service = spawn(process.execPath, ['server.js'], {
    cwd: workspace,
    env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: `http://localhost:${otlpPort}` },
    stdio: ['ignore', 'inherit', 'inherit'],
  });

  console.log('\nTrace Lens demo is running in VS Code (code-server), with the order service sending it spans.');
  // Opens on orders.js: its functions get latency lenses once the service's first spans arrive.
  console.log(`Open: ${workbenchUrl(server, workspace, undefined, path.join(workspace, 'orders.js'))}`);
  console.log(`OTLP receiver: http://localhost:${otlpPort}/v1/traces · code-server log: ${server.logFile}`);
  console.log('Press Ctrl+C to stop.\n');

  const stop = async () => {
    service.kill('SIGTERM');
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
