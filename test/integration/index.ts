import { readdirSync } from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';

/**
 * Entry point VS Code calls inside the extension host (`extensionTestsPath`). Resolves when every
 * test passed, rejects otherwise: the runner turns that into the process exit code.
 */
/** The runner prints the extension host's console from this line on; before it is workbench start-up chatter. */
export const SUITE_START_MARKER = '[trace-lens] integration suite starts';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  const dir = __dirname;
  // A run that serves one suite (e.g. test/backends/latencyLenses.host.test.ts, which starts the servers
  // that suite needs) names it, so the others do not run twice in one `npm test`.
  // One suite or several, comma-separated: `TRACE_LENS_HOST_TESTS=assistantTools,insights`.
  const only = process.env.TRACE_LENS_HOST_TESTS?.split(',').map((name) => `${name.trim()}.test.js`);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.test.js') && (!only || only.includes(f))).sort()) {
    mocha.addFile(path.join(dir, file));
  }
  if (process.env.TRACE_LENS_RUNNER_SELF_CHECK === 'fail') {
    // The runner proves that a failing test fails the run (see scripts/testIntegration.ts).
    mocha.suite.addTest(new Mocha.Test('runner self-check: a deliberately failing test', () => {
      throw new Error('deliberate failure');
    }));
  }
  console.log(SUITE_START_MARKER);
  await new Promise<void>((resolve, reject) => {
    mocha.run((failures) => {
      const stats = mocha.suite.total();
      console.log(`${stats - failures} passed, ${failures} failed`);
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else resolve();
    });
  });
}
