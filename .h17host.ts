import path from 'node:path';
import { runHostSuite } from '/work/wt/h17/test/runner/hostSuite';
import { repoRoot } from '/work/wt/h17/test/runner/vscodeRuntime';
runHostSuite({ workspace: path.join(repoRoot, 'test/workspaces/basic'), env: { TRACE_LENS_HOST_TESTS: process.argv[2] }, screenshot: path.join(repoRoot, 'test-results/h17-host.png') })
  .then((r) => { console.log('exit', r.exitCode, r.seconds); process.exit(r.exitCode); });
