// `npm run test:integration`: the in-host mocha suite inside a real VS Code (code-server), a check that
// a failing test fails the run, then the DOM-level end-to-end checks against the packaged extension.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { runHostSuite } from '../test/runner/hostSuite';
import { repoRoot } from '../test/runner/vscodeRuntime';

async function main(): Promise<number> {
  const workspace = path.join(repoRoot, 'test/workspaces/basic');
  const artifacts = path.join(repoRoot, 'test-results');

  console.log('── integration suite inside the VS Code extension host');
  const result = await runHostSuite({ workspace, screenshot: path.join(artifacts, 'integration-workbench.png') });
  const summary = result.output.find((l) => /^\d+ passed, \d+ failed$/.test(l));
  console.log(`[runner] host suite exit ${result.exitCode} in ${result.seconds.toFixed(1)} s${summary ? ` (${summary})` : ''}`);
  if (result.exitCode !== 0 || !summary || /^0 passed/.test(summary)) {
    if (result.exitCode === 0) console.error('[runner] the suite reported no passing test');
    return 1;
  }

  if (process.env.TRACE_LENS_SKIP_SELF_CHECK !== '1') {
    console.log('── runner self-check: a deliberately failing test must fail the run');
    const failing = await runHostSuite({ workspace, env: { TRACE_LENS_RUNNER_SELF_CHECK: 'fail' } });
    if (failing.exitCode === 0) {
      console.error('[runner] a failing integration test did not fail the run: the harness is broken');
      return 1;
    }
    console.log(`[runner] self-check ok: the run failed with exit ${failing.exitCode} as it must`);
  }

  console.log('── end-to-end checks in the workbench');
  const e2e = spawnSync('npx', ['mocha', '--no-config', '--require', 'tsx/cjs', '--timeout', '180000', 'test/e2e/**/*.test.ts'], {
    cwd: repoRoot,
    stdio: 'inherit',
    // A test that leaves a process or socket open keeps mocha alive: fail instead of hanging CI.
    timeout: 25 * 60_000,
    killSignal: 'SIGKILL',
  });
  if (e2e.error) console.error(`[runner] the end-to-end checks did not finish: ${e2e.error.message}`);
  return e2e.status ?? 1;
}

main().then((code) => process.exit(code), (err) => {
  console.error(err);
  process.exit(1);
});
