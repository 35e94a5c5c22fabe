import assert from 'node:assert/strict';
import path from 'node:path';
import { isIgnored, parseGitignore } from '../../../src/core/files/gitignore';

const root = path.resolve('/repo');
const at = (...p: string[]) => path.join(root, ...p);

describe('.gitignore matching', () => {
  it('honours negations: *.gen.ts is ignored, !keep.gen.ts is not', () => {
    const rules = parseGitignore('*.gen.ts\n!keep.gen.ts\n', root);
    assert.equal(isIgnored(at('src/a.gen.ts'), false, rules), true);
    assert.equal(isIgnored(at('src/keep.gen.ts'), false, rules), false);
    assert.equal(isIgnored(at('src/a.ts'), false, rules), false);
  });

  it('reads character classes: *.ts[x] matches a.tsx, not a.ts', () => {
    const rules = parseGitignore('*.ts[x]\n', root);
    assert.equal(isIgnored(at('a.tsx'), false, rules), true);
    assert.equal(isIgnored(at('a.ts'), false, rules), false);
  });

  it('directory rules, anchored rules and ** as git reads them', () => {
    const rules = parseGitignore('# generated\nbuild/\n/dist\nlogs/**/*.log\n', root);
    assert.equal(isIgnored(at('build'), true, rules), true);
    assert.equal(isIgnored(at('pkg/build/x.ts'), false, rules), true, 'a file under an ignored directory');
    assert.equal(isIgnored(at('build'), false, rules), false, 'build/ matches directories only');
    assert.equal(isIgnored(at('dist/x.js'), false, rules), true);
    assert.equal(isIgnored(at('src/dist/x.js'), false, rules), false, '/dist is anchored to the .gitignore');
    assert.equal(isIgnored(at('logs/a/b/c.log'), false, rules), true);
  });

  it('a deeper .gitignore overrides its parent\'s, in whatever order the files were read', () => {
    const parent = parseGitignore('*.gen.ts\n', root);
    const child = parseGitignore('!keep.gen.ts\n', at('pkg'));
    for (const rules of [[...parent, ...child], [...child, ...parent]]) {
      assert.equal(isIgnored(at('pkg/keep.gen.ts'), false, rules), false);
      assert.equal(isIgnored(at('pkg/other.gen.ts'), false, rules), true);
      assert.equal(isIgnored(at('keep.gen.ts'), false, rules), true, 'the child\'s negation does not reach its parent');
    }
  });

  it('ignores nothing outside the .gitignore\'s directory, and nothing for an empty file', () => {
    assert.deepEqual(parseGitignore('\n# only a comment\n', root), []);
    assert.equal(isIgnored(path.resolve('/elsewhere/a.gen.ts'), false, parseGitignore('*.gen.ts', root)), false);
  });
});
