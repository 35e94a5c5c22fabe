// `npm run package`: a production build (via vscode:prepublish) packed into trace-lens.vsix.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'trace-lens.vsix');
// Everything the extension runs is bundled by esbuild, so node_modules stay out of the package.
const result = spawnSync('npx', ['vsce', 'package', '--no-dependencies', '--out', out], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
