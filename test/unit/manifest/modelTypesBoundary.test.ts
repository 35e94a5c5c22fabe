import assert from 'node:assert/strict';
import path from 'node:path';
import { ESLint } from 'eslint';

const root = path.resolve(__dirname, '../../..');

/** The rule ids ESLint, with the repository's own config, reports for `code` placed at `file`. */
async function lintAt(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('import boundary: model types are not fetched from the backends', function () {
  // ESLint loads its config and typescript-eslint's parser on first use; under load that takes a while.
  this.timeout(120_000);

  it('fails source mapping and the lint when they import src/core/backends', async () => {
    for (const dir of ['source', 'lint']) {
      const messages = await lintAt(`src/core/${dir}/boundaryProbe.ts`, "import type { TraceBackend } from '../backends/traceBackend';\nexport type Probe = TraceBackend;\n");
      assert.equal(messages.length, 1, `${dir}: ${messages.join('; ')}`);
      assert.match(messages[0], /^no-restricted-imports: .*src\/core\/model/);
    }
  });

  it('lets the receiver and the statistics import the TraceBackend interface, and nothing else of the backends', async () => {
    for (const dir of ['receiver', 'stats']) {
      assert.deepEqual(await lintAt(`src/core/${dir}/boundaryProbe.ts`, "import type { TraceBackend } from '../backends/traceBackend';\nexport type Probe = TraceBackend;\n"), []);
      const messages = await lintAt(`src/core/${dir}/boundaryProbe.ts`, "import { isRecord } from '../backends/wireValues';\nexport const probe = isRecord;\n");
      assert.match(messages.join('\n'), /^no-restricted-imports: /, dir);
    }
  });

  it('still bans vscode in the files the boundary covers, and allows the model', async () => {
    assert.match((await lintAt('src/core/stats/boundaryProbe.ts', "import * as vscode from 'vscode';\nexport const probe = vscode;\n")).join('\n'), /no vscode import/);
    assert.deepEqual(await lintAt('src/core/stats/boundaryProbe.ts', "import type { TimeRange } from '../model/timeRange';\nexport type Probe = TimeRange;\n"), []);
  });
});
