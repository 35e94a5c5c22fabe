import assert from 'node:assert/strict';
import { joinLike, normalizeSourcePath, pathIdentity } from '../../../src/core/source/sourcePath';

describe('normalizeSourcePath', () => {
  it('normalizes posix paths, dot segments and repeated slashes', () => {
    const n = normalizeSourcePath('/app//src/./orders/../orders/service.py');
    assert.equal(n.path, '/app/src/orders/service.py');
    assert.deepEqual(n.segments, ['app', 'src', 'orders', 'service.py']);
    assert.equal(n.absolute, true);
    assert.equal(n.windows, false);
  });

  it('turns Windows paths into forward slashes with an upper-case drive, compared case-insensitively', () => {
    const n = normalizeSourcePath('c:\\Src\\MyApp\\Services\\OrderService.cs');
    assert.equal(n.path, 'C:/Src/MyApp/Services/OrderService.cs');
    assert.equal(n.windows, true);
    assert.equal(pathIdentity(n), pathIdentity(normalizeSourcePath('C:/src/myapp/services/orderservice.cs')));
  });

  it('reads file:// URLs with escapes, Windows drives and UNC hosts', () => {
    assert.equal(normalizeSourcePath('file:///home/me/my%20repo/a.ts').path, '/home/me/my repo/a.ts');
    assert.equal(normalizeSourcePath('file:///C:/work/a.ts').path, 'C:/work/a.ts');
    assert.equal(normalizeSourcePath('file://server/share/a.ts').path, '//server/share/a.ts');
    assert.equal(normalizeSourcePath('file:///app/x.js?x=1#frag').path, '/app/x.js');
  });

  it('keeps relative paths relative and strips bundler schemes', () => {
    const r = normalizeSourcePath('./src/orders/service.py');
    assert.equal(r.absolute, false);
    assert.equal(r.path, 'src/orders/service.py');
    assert.equal(normalizeSourcePath('webpack:///./src/app.ts').path, 'src/app.ts');
  });

  it('marks runtime-internal names as pseudo paths', () => {
    for (const p of ['<frozen importlib._bootstrap>', 'node:internal/process/task_queues', '<anonymous>']) {
      assert.equal(normalizeSourcePath(p).pseudo, true, p);
    }
  });

  it('does not climb above the root and survives hostile lengths', () => {
    assert.equal(normalizeSourcePath('/../../etc/passwd').path, '/etc/passwd');
    const long = normalizeSourcePath('/' + 'a/'.repeat(5000) + 'x.py');
    assert.ok(long.segments.length <= 256);
    assert.ok(long.path.length <= 4096);
  });

  it('joins segments in the style of the target folder', () => {
    assert.equal(joinLike('C:\\work\\repo', ['src', 'a.cs']), 'C:\\work\\repo\\src\\a.cs');
    assert.equal(joinLike('/home/me/repo/', ['src', 'a.py']), '/home/me/repo/src/a.py');
  });
});
