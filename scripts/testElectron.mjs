// `npm run test:electron`: the in-host integration suite through @vscode/test-electron, for machines
// that can download VS Code (it fetches a build from Microsoft's update servers).
import { runTests } from '@vscode/test-electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const versions = (process.env.TRACE_LENS_VSCODE_VERSIONS ?? '1.95.0,stable').split(',');
let failed = false;
for (const version of versions) {
  console.log(`── VS Code ${version}`);
  try {
    await runTests({
      version,
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(root, 'dist/test/integration/index.js'),
      launchArgs: [path.join(root, 'test/workspaces/basic'), '--disable-extensions'],
    });
  } catch (err) {
    console.error(`VS Code ${version}: ${err instanceof Error ? err.message : String(err)}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
