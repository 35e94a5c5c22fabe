// #15 bug 9: "Go to source" on a path that resolves to nothing openable did nothing and said nothing
// (a mapping onto a folder, a mapped file that does not exist: the editor's failure was only logged).
// Real index, resolver and containment over a temporary workspace; only the editor is stood in for,
// failing the way it does on a folder.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSourceLocation, type OpenSourceDeps, type SourceTarget } from '../../../src/core/source/openSourceLocation';
import { SourcePathResolver } from '../../../src/core/source/pathMapping';
import { WorkspaceContainment } from '../../../src/core/source/workspaceContainment';
import { WorkspaceFileIndex } from '../../../src/core/source/workspaceFileIndex';

describe('go to source: every failure says which path and how to map it', () => {
  let ws: string;
  let outside: string;
  let opened: { path: string; target: SourceTarget }[];
  let deps: OpenSourceDeps;

  before(() => {
    ws = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'tl-open-ws-')));
    outside = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'tl-open-out-')));
    mkdirSync(path.join(ws, 'src'));
    writeFileSync(path.join(ws, 'src', 'order.ts'), 'export {};\n');
    writeFileSync(path.join(outside, 'secret.ts'), 'export {};\n');
    const index = new WorkspaceFileIndex([ws]);
    index.add(path.join(ws, 'src', 'order.ts'));
    const resolver = new SourcePathResolver(index, [{ from: '/app', to: ws }, { from: '/elsewhere', to: outside }]);
    const containment = new WorkspaceContainment([ws]);
    deps = {
      resolve: async (p) => resolver.resolve(p),
      checkContained: (p) => containment.check(p),
      // Like the editor: reading a folder fails (EISDIR).
      open: async (p, target) => { readFileSync(p); opened.push({ path: p, target }); },
    };
  });
  beforeEach(() => { opened = []; });
  after(() => {
    rmSync(ws, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  const notFoundMessage = async (target: SourceTarget): Promise<string> => {
    const outcome = await openSourceLocation(target, deps);
    assert.equal(outcome.kind, 'notFound', JSON.stringify(outcome));
    assert.deepEqual(opened, []);
    return outcome.kind === 'notFound' ? outcome.message : '';
  };

  it('opens a mapped file at its line', async () => {
    const outcome = await openSourceLocation({ file: '/app/src/order.ts', line: 3 }, deps);
    assert.deepEqual(outcome, { kind: 'opened', path: path.join(ws, 'src', 'order.ts') });
    assert.equal(opened[0].target.line, 3);
  });

  it('names a path no workspace file matches and suggests traceLens.pathMappings', async () => {
    const message = await notFoundMessage({ file: '/srv/billing/invoice.py', line: 12 });
    assert.match(message, /"\/srv\/billing\/invoice\.py" \(line 12\): no workspace file matches it/);
    assert.match(message, /traceLens\.pathMappings/);
  });

  it('says so for a mapping onto a folder, which the editor cannot open', async () => {
    const message = await notFoundMessage({ file: '/app/src' });
    assert.match(message, /"\/app\/src": it maps to ".*src", which could not be opened/);
    assert.match(message, /traceLens\.pathMappings/);
  });

  it('says so for a mapped file that does not exist, instead of calling it outside the workspace', async () => {
    const message = await notFoundMessage({ file: '/app/src/gone.ts', line: 1 });
    assert.match(message, /it maps to ".*gone\.ts", but the file does not exist/);
    assert.doesNotMatch(message, /outside/);
  });

  it('says so for a runtime-internal stack frame', async () => {
    assert.match(await notFoundMessage({ file: 'node:internal/process/task_queues', line: 95 }), /not a file path/);
  });

  it('says so when the path cannot even be resolved (the workspace index failed)', async () => {
    const failing: OpenSourceDeps = { ...deps, resolve: async () => { throw new Error('findFiles failed'); } };
    const outcome = await openSourceLocation({ file: '/app/src/order.ts' }, failing);
    assert.equal(outcome.kind, 'notFound');
    assert.match(outcome.kind === 'notFound' ? outcome.message : '', /"\/app\/src\/order\.ts": resolving it failed \(findFiles failed\)/);
  });

  it('still refuses, with its own reason, a mapping that leads outside the workspace', async () => {
    const outcome = await openSourceLocation({ file: '/elsewhere/secret.ts' }, deps);
    assert.equal(outcome.kind, 'refused');
    assert.match(outcome.kind === 'refused' ? outcome.error.userMessage : '', /outside the workspace folders/);
    assert.deepEqual(opened, []);
  });
});
