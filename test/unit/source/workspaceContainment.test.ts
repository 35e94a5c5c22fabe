import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatPathResolution, SourcePathResolver } from '../../../src/core/source/pathMapping';
import { OutsideWorkspaceError } from '../../../src/core/source/sourceErrors';
import { containingFolder, isPathInside, WorkspaceContainment } from '../../../src/core/source/workspaceContainment';
import { WorkspaceFileIndex } from '../../../src/core/source/workspaceFileIndex';

describe('workspace containment: the lexical rule', () => {
  it('holds the folder and what is below it, segment by segment', () => {
    assert.equal(isPathInside('/home/u/ws', '/home/u/ws'), true);
    assert.equal(isPathInside('/home/u/ws/src/a.ts', '/home/u/ws'), true);
    assert.equal(isPathInside('/home/u/ws/src/a.ts', '/home/u/ws/'), true);
    assert.equal(isPathInside('/home/u/ws-evil/a.ts', '/home/u/ws'), false);
    assert.equal(isPathInside('/home/u/.ssh/id_rsa', '/home/u/ws'), false);
    assert.equal(isPathInside('/home/u', '/home/u/ws'), false);
  });

  it('resolves `..` before judging, and never treats a relative or odd path as inside', () => {
    assert.equal(isPathInside('/home/u/ws/../.ssh/id_rsa', '/home/u/ws'), false);
    assert.equal(isPathInside('/home/u/ws/src/../a.ts', '/home/u/ws'), true);
    assert.equal(isPathInside('src/a.ts', '/home/u/ws'), false);
    assert.equal(isPathInside('../ws/a.ts', '/home/u/ws'), false);
    assert.equal(isPathInside('node:internal/fs', '/home/u/ws'), false);
    assert.equal(isPathInside('/home/u/ws/a\0/../../.ssh', '/home/u/ws'), false);
    // normalizeSourcePath stops at 256 segments: such a path is refused, not cut and judged.
    assert.equal(isPathInside(`/home/u/ws/${'a/'.repeat(300)}${'../'.repeat(302)}.ssh/id_rsa`, '/home/u/ws'), false);
  });

  it('compares Windows paths case-insensitively and keeps UNC shares apart from drives', () => {
    assert.equal(isPathInside('c:\\Users\\U\\WS\\src\\a.ts', 'C:\\Users\\u\\ws'), true);
    assert.equal(isPathInside('D:\\ws\\a.ts', 'C:\\ws'), false);
    assert.equal(isPathInside('\\\\server\\share\\ws\\a.ts', 'C:\\server\\share'), false);
    assert.equal(containingFolder('/b/x.ts', ['/a', '/b']), '/b');
  });
});

describe('workspace containment: real paths', () => {
  let base: string;
  let ws: string;
  let secrets: string;

  before(() => {
    base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'trace-lens-contain-')));
    ws = path.join(base, 'ws');
    secrets = path.join(base, 'home', '.ssh');
    mkdirSync(path.join(ws, 'src'), { recursive: true });
    mkdirSync(secrets, { recursive: true });
    writeFileSync(path.join(ws, 'src', 'a.ts'), 'export {};\n');
    writeFileSync(path.join(secrets, 'id_rsa'), 'PRIVATE KEY\n');
    // A repository can ship symlinks: one to a file outside, one to a whole folder outside, one inside.
    symlinkSync(path.join(secrets, 'id_rsa'), path.join(ws, 'src', 'key.ts'));
    symlinkSync(secrets, path.join(ws, 'linked'));
    symlinkSync(path.join(ws, 'src', 'a.ts'), path.join(ws, 'alias.ts'));
  });

  after(() => rmSync(base, { recursive: true, force: true }));

  it('lets a workspace file through, also through a symlink that stays inside', async () => {
    const c = new WorkspaceContainment([ws]);
    assert.equal((await c.check(path.join(ws, 'src', 'a.ts'))).inside, true);
    const alias = await c.check(path.join(ws, 'alias.ts'));
    assert.equal(alias.inside, true);
    assert.equal(alias.realPath, path.join(ws, 'src', 'a.ts'));
  });

  it('refuses a symlink inside the workspace that leads outside it, and says where it leads', async () => {
    const c = new WorkspaceContainment([ws]);
    for (const p of [path.join(ws, 'src', 'key.ts'), path.join(ws, 'linked', 'id_rsa')]) {
      const r = await c.check(p);
      assert.equal(r.inside, false, p);
      assert.ok(!r.inside && r.reason.includes(path.join(secrets, 'id_rsa')), !r.inside ? r.reason : '');
    }
  });

  it('refuses missing files, relative paths, NUL and a window with no folder', async () => {
    const c = new WorkspaceContainment([ws]);
    const missing = await c.check(path.join(ws, 'nope.ts'));
    assert.ok(!missing.inside && /does not exist/.test(missing.reason));
    assert.equal((await c.check('src/a.ts')).inside, false);
    assert.equal((await c.check(`${ws}/src/a.ts\0.png`)).inside, false);
    assert.equal((await new WorkspaceContainment([]).check(path.join(ws, 'src', 'a.ts'))).inside, false);
  });

  it('refuses a span path that a trusted mapping sends through a symlink to ~/.ssh (what Go to Source checks)', async () => {
    const resolver = new SourcePathResolver(new WorkspaceFileIndex([ws]), [{ from: '/app', to: ws }]);
    const resolved = resolver.resolve('/app/linked/id_rsa').resolved;
    assert.equal(resolved, path.join(ws, 'linked', 'id_rsa'), 'lexically inside: the mapping is fine');
    const verdict = await new WorkspaceContainment([ws]).check(resolved ?? '');
    assert.equal(verdict.inside, false, 'its real path is not');
  });

  it('compares with the real path of a folder opened through a symlink', async () => {
    const linkedWs = path.join(base, 'ws-link');
    symlinkSync(ws, linkedWs);
    const c = new WorkspaceContainment([linkedWs]);
    assert.equal((await c.check(path.join(linkedWs, 'src', 'a.ts'))).inside, true);
    assert.equal((await c.check(path.join(linkedWs, 'src', 'key.ts'))).inside, false);
  });
});

describe('path mappings lead only into the workspace', () => {
  const home = '/home/u';
  const ws = `${home}/shop`;

  it('refuses a mapping into ~/.ssh, whoever wrote it: the span path resolves to nothing, and the resolution says why', () => {
    // What an untrusted repository could put in .vscode/settings.json, or a user by mistake.
    const r = new SourcePathResolver(new WorkspaceFileIndex([ws], [`${ws}/src/app.ts`]), [{ from: '/app', to: `${home}/.ssh` }]);
    const res = r.resolve('/app/id_rsa');
    assert.equal(res.resolved, undefined);
    assert.match(res.refusal ?? '', /"\/app" → "\/home\/u\/\.ssh" is refused: the target "\/home\/u\/\.ssh" is outside the workspace folders/);
    assert.match(formatPathResolution(res), /\[rejected\] pathMapping: .*refused/);
    assert.deepEqual(r.refusedMappings().map((m) => m.mapping.to), [`${home}/.ssh`]);
    assert.match(new OutsideWorkspaceError('/app/id_rsa', res.refusal ?? '').userMessage, /did not open "\/app\/id_rsa".*only files under a workspace folder/);
  });

  it('refuses it with an empty index too (no verification against indexed files happens then)', () => {
    const r = new SourcePathResolver(new WorkspaceFileIndex([ws]), [{ from: '/app', to: `${home}/.ssh` }]);
    assert.equal(r.resolve('/app/id_rsa').resolved, undefined);
    const inside = new SourcePathResolver(new WorkspaceFileIndex([ws]), [{ from: '/app', to: ws }]);
    assert.equal(inside.resolve('/app/src/x.py').resolved, `${ws}/src/x.py`);
  });

  it('refuses a trusted mapping into the workspace when `..` in the span path climbs out of it', () => {
    const r = new SourcePathResolver(new WorkspaceFileIndex([ws], [`${ws}/a.ts`]), [{ from: '..', to: ws }]);
    const res = r.resolve('../../.ssh/id_rsa');
    assert.equal(res.resolved, undefined);
    assert.match(res.refusal ?? '', /outside the workspace folders/);
  });

  it('refuses relative targets and any mapping when no folder is open', () => {
    const relative = new SourcePathResolver(new WorkspaceFileIndex([ws]), [{ from: '/app', to: 'src' }]);
    assert.equal(relative.resolve('/app/x.py').resolved, undefined);
    const none = new SourcePathResolver(new WorkspaceFileIndex([]), [{ from: '/app', to: ws }]);
    assert.equal(none.resolve('/app/x.py').resolved, undefined);
    assert.match(none.refusedMappings()[0].reason, /no workspace folder is open/);
  });

  it('still falls back to the suffix rule after a refused mapping, which only ever yields workspace files', () => {
    const r = new SourcePathResolver(new WorkspaceFileIndex([ws], [`${ws}/src/orders/service.py`]), [{ from: '/app', to: '/elsewhere' }]);
    const res = r.resolve('/app/src/orders/service.py');
    assert.equal(res.rule, 'suffix');
    assert.equal(res.resolved, `${ws}/src/orders/service.py`);
  });
});
