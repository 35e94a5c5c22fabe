import assert from 'node:assert/strict';
import { WorkspaceFileIndex } from '../../../src/core/source/workspaceFileIndex';

describe('WorkspaceFileIndex', () => {
  const root = '/home/me/shop';

  it('finds a container path by the longest suffix', () => {
    const idx = new WorkspaceFileIndex([root], [`${root}/src/orders/service.py`, `${root}/src/billing/service.py`, `${root}/tests/orders/test_service.py`]);
    const m = idx.findBySuffix('/app/src/orders/service.py');
    assert.equal(m.path, `${root}/src/orders/service.py`);
    assert.equal(m.matchedSegments, 3);
    assert.equal(m.ambiguous, false);
    assert.equal(m.candidates.length, 2);
  });

  it('reports ambiguity when two files share the longest suffix', () => {
    const idx = new WorkspaceFileIndex([root], [`${root}/a/orders/service.py`, `${root}/b/orders/service.py`]);
    const m = idx.findBySuffix('/app/orders/service.py');
    assert.equal(m.path, undefined);
    assert.equal(m.ambiguous, true);
    assert.deepEqual(m.candidates.map((c) => c.path).sort(), [`${root}/a/orders/service.py`, `${root}/b/orders/service.py`]);
  });

  it('rejects a lone basename match when the folders disagree, but accepts a file at the folder root', () => {
    const idx = new WorkspaceFileIndex([root], [`${root}/billing/service.py`, `${root}/main.py`]);
    const bad = idx.findBySuffix('/app/orders/service.py');
    assert.equal(bad.path, undefined);
    assert.equal(bad.candidates[0].accepted, false);
    assert.match(bad.candidates[0].reason, /only the file name/);
    assert.equal(idx.findBySuffix('/app/main.py').path, `${root}/main.py`);
  });

  it('matches Windows and posix spellings of the same file', () => {
    const idx = new WorkspaceFileIndex(['C:\\work\\shop'], ['C:\\work\\shop\\Services\\OrderService.cs']);
    assert.equal(idx.findBySuffix('/src/MyApp/Services/OrderService.cs').path, 'C:\\work\\shop\\Services\\OrderService.cs');
    assert.equal(idx.has('c:/WORK/shop/services/orderservice.cs'), true);
  });

  it('follows create, delete and rename of files and folders', () => {
    const idx = new WorkspaceFileIndex([root]);
    idx.add(`${root}/src/a/x.py`);
    idx.add(`${root}/src/a/y.py`);
    const v = idx.version;
    idx.rename(`${root}/src/a`, `${root}/src/b`);
    assert.ok(idx.version > v);
    assert.equal(idx.has(`${root}/src/a/x.py`), false);
    assert.equal(idx.has(`${root}/src/b/x.py`), true);
    assert.equal(idx.findBySuffix('/app/src/b/y.py').path, `${root}/src/b/y.py`);
    idx.rename(`${root}/src/b/x.py`, `${root}/src/b/z.py`);
    assert.equal(idx.findBySuffix('/app/src/b/x.py').path, undefined);
    idx.remove(`${root}/src/b`);
    assert.equal(idx.size, 0);
  });

  it('finds files by namespace stem for locations without a file path', () => {
    const idx = new WorkspaceFileIndex([root], [`${root}/src/main/java/com/example/Svc.java`, `${root}/src/main/java/com/other/Svc.java`]);
    assert.deepEqual(idx.findByStem(['com', 'example', 'Svc'], ['.java', '.kt']), [`${root}/src/main/java/com/example/Svc.java`]);
  });
});
