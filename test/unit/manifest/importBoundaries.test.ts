import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';

// The import-boundary rules of eslint.config.mjs (SRC_LAYERS), run through ESLint's own API on
// code placed in src/: a deliberate violation must fail lint, and the allowed directions must pass.

const root = path.resolve(__dirname, '../../..');
const eslint = new ESLint({ cwd: root });

interface Layers { shared: string[]; services: Record<string, string[]>; features: string[]; programs: string[] }

async function restrictedImports(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const use = (spec: string) => `import { x } from '${spec}';\nexport const y = x;\n`;

describe('import boundaries between the folders of src/', function () {
  // ESLint loads typescript-eslint once; a cold start on a loaded machine takes a while.
  this.timeout(120_000);

  it('a feature importing another feature fails lint, with the reason', async () => {
    const [message] = await restrictedImports('src/views/newView.ts', use('../latency/latencyFeature'));
    assert.match(message ?? '', /src\/views is a feature: besides its own folder it may import only src\/core, src\/receiver, src\/backends, src\/source, src\/stats, src\/config, src\/log, src\/ui\./);
  });

  it('the same from deeper in a feature folder, and from a feature to the composition root', async () => {
    assert.equal((await restrictedImports('src/webviews/waterfall/newPanel.ts', use('../../commands/searchTraces'))).length, 1);
    assert.equal((await restrictedImports('src/webviews/waterfall/newPanel.ts', use('../../views/recentTracesView'))).length, 1);
    assert.equal((await restrictedImports('src/latency/x.ts', use('../extension'))).length, 1);
  });

  it('a service importing a feature, or a service it does not declare, fails lint', async () => {
    assert.equal((await restrictedImports('src/stats/x.ts', use('../latency/latencyFeature'))).length, 1);
    assert.equal((await restrictedImports('src/receiver/x.ts', use('../backends/backendController'))).length, 1, 'backends read the receiver, not the other way round');
    assert.equal((await restrictedImports('src/ui/x.ts', use('../stats/statsController'))).length, 1, 'editor plumbing sits below the services');
  });

  it('the declared directions pass: feature → core, ui, config, services; within a feature; service → lower service', async () => {
    for (const [file, spec] of [
      ['src/views/x.ts', '../core/stats/statsFormat'],
      ['src/views/x.ts', '../ui/progress'],
      ['src/views/x.ts', '../stats/statsController'],
      ['src/views/x.ts', './functionsView'],
      ['src/webviews/waterfall/x.ts', '../compare/compareController'],
      ['src/webviews/waterfall/x.ts', '../../backends/backendController'],
      ['src/stats/x.ts', '../source/sourceMapping'],
      ['src/backends/x.ts', '../receiver/receiverController'],
      ['src/mcp/x.ts', '../cli/cliArgs'],
    ]) assert.deepEqual(await restrictedImports(file, use(spec)), [], `${file} → ${spec}`);
  });

  it('every folder of src/ is placed in one layer', async () => {
    const config = await import(path.join(root, 'eslint.config.mjs')) as { SRC_LAYERS: Layers };
    const { shared, services, features, programs } = config.SRC_LAYERS;
    const placed = [...shared, ...Object.keys(services), ...features, ...programs, 'core'];
    assert.equal(new Set(placed).size, placed.length, 'no folder in two layers');
    const folders = readdirSync(path.join(root, 'src'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    assert.deepEqual(folders.filter((f) => !placed.includes(f)), []);
  });
});
