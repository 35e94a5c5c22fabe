import assert from 'node:assert/strict';
import { formatPathResolution, SourcePathResolver, substituteWorkspaceFolders } from '../../../src/core/source/pathMapping';
import { InvalidPathMappingError } from '../../../src/core/source/sourceErrors';
import { WorkspaceFileIndex } from '../../../src/core/source/workspaceFileIndex';

describe('path mapping', () => {
  const root = '/home/me/shop';
  const folders = [{ name: 'shop', path: root }, { name: 'web', path: '/home/me/web' }];

  it('substitutes ${workspaceFolder} and ${workspaceFolder:name}', () => {
    const m = substituteWorkspaceFolders([{ from: '/app', to: '${workspaceFolder}' }, { from: '/srv/web', to: '${workspaceFolder:web}/src' }], folders);
    assert.deepEqual(m, [{ from: '/app', to: root }, { from: '/srv/web', to: '/home/me/web/src' }]);
  });

  it('throws a typed error for malformed entries and unknown folders', () => {
    assert.throws(() => substituteWorkspaceFolders([{ from: '/app' }], folders), InvalidPathMappingError);
    assert.throws(() => substituteWorkspaceFolders(['nope'], folders), InvalidPathMappingError);
    assert.throws(() => substituteWorkspaceFolders([{ from: '/a', to: '${workspaceFolder:missing}' }], folders), InvalidPathMappingError);
    assert.throws(() => substituteWorkspaceFolders([{ from: '/a', to: '${workspaceFolder}' }], []), InvalidPathMappingError);
  });

  it('prefers the longest matching mapping and reports the rule', () => {
    const idx = new WorkspaceFileIndex([root], [`${root}/src/orders/service.py`, `${root}/vendored/orders/service.py`]);
    const r = new SourcePathResolver(idx, [{ from: '/app', to: `${root}/vendored` }, { from: '/app/src', to: `${root}/src` }]);
    const res = r.resolve('/app/src/orders/service.py');
    assert.equal(res.resolved, `${root}/src/orders/service.py`);
    assert.equal(res.rule, 'pathMapping');
  });

  it('falls through a mapping whose result is not a workspace file to the suffix rule, and explains why', () => {
    const idx = new WorkspaceFileIndex([root], [`${root}/src/orders/service.py`]);
    const r = new SourcePathResolver(idx, [{ from: '/app', to: '/elsewhere' }]);
    const res = r.resolve('/app/src/orders/service.py');
    assert.equal(res.rule, 'suffix');
    assert.equal(res.resolved, `${root}/src/orders/service.py`);
    assert.ok(res.steps.some((s) => s.rule === 'pathMapping' && s.outcome === 'rejected'));
    assert.match(formatPathResolution(res), /Result: .*service\.py \(rule: suffix\)/);
  });

  it('resolves exact absolute paths, relative paths, and file URLs', () => {
    const idx = new WorkspaceFileIndex([root], [`${root}/src/a.ts`]);
    const r = new SourcePathResolver(idx);
    assert.equal(r.resolve(`${root}/src/a.ts`).rule, 'exact');
    assert.equal(r.resolve('src/a.ts').rule, 'relative');
    assert.equal(r.resolve(`file://${root}/src/a.ts`).resolved, `${root}/src/a.ts`);
  });

  it('reports ambiguity without picking a file, and recomputes after the index changes', () => {
    const idx = new WorkspaceFileIndex([root], [`${root}/a/orders/service.py`, `${root}/b/orders/service.py`]);
    const r = new SourcePathResolver(idx);
    const res = r.resolve('/app/orders/service.py');
    assert.equal(res.resolved, undefined);
    assert.equal(res.ambiguous, true);
    assert.match(formatPathResolution(res), /ambiguous/);
    idx.remove(`${root}/b/orders/service.py`);
    assert.equal(r.resolve('/app/orders/service.py').resolved, `${root}/a/orders/service.py`);
  });

  it('does not map runtime-internal paths', () => {
    const r = new SourcePathResolver(new WorkspaceFileIndex([root], [`${root}/x.js`]));
    assert.equal(r.resolve('node:internal/timers').resolved, undefined);
  });

  it('uses the mapped path unverified when the index is empty or nothing else matches', () => {
    const r = new SourcePathResolver(new WorkspaceFileIndex([root]), [{ from: '/app', to: root }]);
    assert.equal(r.resolve('/app/x.py').resolved, `${root}/x.py`);
    const idx = new WorkspaceFileIndex([root], [`${root}/other.py`]);
    const r2 = new SourcePathResolver(idx, [{ from: '/app', to: root }]);
    const res = r2.resolve('/app/x.py');
    assert.equal(res.rule, 'unverifiedMapping');
    assert.equal(res.resolved, `${root}/x.py`);
  });
});
