import assert from 'node:assert/strict';
import path from 'node:path';
import { ESLint } from 'eslint';

// The repository's own ESLint configuration, run on code written here as if it were a webview file.
const root = path.resolve(__dirname, '../../..');

async function problems(code: string, file = 'webview/waterfall/boundaryProbe.ts'): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages.filter((m) => m.ruleId === 'boundaries/webview-imports').map((m) => m.message);
}

describe('the webview import boundary (eslint.config.mjs)', function () {
  // Loading typescript-eslint takes a few seconds on a busy machine.
  this.timeout(60_000);

  it('fails on webview code that imports a feature\'s glue, vscode or Node', async () => {
    const found = await problems([
      "import type { WorkerLoaded } from '../../src/webviews/waterfall/workerProtocol';",
      "import * as vscode from 'vscode';",
      "import { readFileSync } from 'node:fs';",
      "export { log } from '../../src/log/logger';",
      'export const x = [vscode, readFileSync] as unknown as WorkerLoaded;',
    ].join('\n'));
    assert.equal(found.length, 4, found.join('\n'));
    assert.match(found[0], /'\.\.\/\.\.\/src\/webviews\/waterfall\/workerProtocol' is src\/webviews\/waterfall\/workerProtocol/);
    assert.match(found[1], /'vscode' is the extension host's/);
  });

  it('lets webview code import webview/**, src/core/** and packages', async () => {
    assert.deepEqual(await problems([
      "import type { HostMessage } from '../../src/core/protocol/waterfallProtocol';",
      "import { connectToHost } from '../shared/hostConnection';",
      "import '@vscode-elements/elements/dist/vscode-button/index.js';",
      'export const x: HostMessage | undefined = connectToHost ? undefined : undefined;',
    ].join('\n')), []);
  });

  it('does not bind the host\'s code', async () => {
    assert.deepEqual(await problems("import * as vscode from 'vscode';\nexport const v = vscode;", 'src/webviews/waterfall/boundaryProbe.ts'), []);
  });
});
