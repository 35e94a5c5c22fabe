// Lines of a span's revision carried to the working tree: the hunk arithmetic on real `git diff`
// output from a temporary repository, and the git-backed mapper against the same repository.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GitLineMapper } from '../../../src/core/source/gitLineMapper';
import { mapLine, parseUnifiedDiff } from '../../../src/core/source/lineMapping';
import { asCommitId, revisionOf } from '../../../src/core/source/revision';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
}

const numbered = (n: number, label = 'line'): string[] => Array.from({ length: n }, (_, i) => `${label} ${i + 1}`);

describe('lines follow the code through git', () => {
  let repo: string;
  let commit: string;
  const file = (): string => path.join(repo, 'src', 'orders.js');

  before(() => {
    repo = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'tl-lines-')));
    git(repo, 'init', '-q');
    execFileSync('mkdir', ['-p', path.join(repo, 'src')]);
    writeFileSync(file(), `${numbered(20).join('\n')}\n`);
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'first');
    commit = git(repo, 'rev-parse', 'HEAD').trim();
  });
  after(() => rmSync(repo, { recursive: true, force: true }));

  /** Writes the working copy and returns `git diff -U0` of it against the commit, as the mapper runs it. */
  function edit(lines: string[]): string {
    writeFileSync(file(), `${lines.join('\n')}\n`);
    return git(path.join(repo, 'src'), 'diff', '--no-color', '--unified=0', commit, '--', 'orders.js');
  }

  it('moves lines below an insertion and leaves lines above it', () => {
    const lines = numbered(20);
    lines.splice(4, 0, 'new a', 'new b', 'new c'); // three lines after old line 4
    const diff = parseUnifiedDiff(edit(lines));
    assert.deepEqual(diff.hunks, [{ oldStart: 4, oldCount: 0, newStart: 5, newCount: 3 }]);
    assert.deepEqual(mapLine(diff.hunks, 4), { line: 4, change: 'unchanged' });
    assert.deepEqual(mapLine(diff.hunks, 5), { line: 8, change: 'moved' });
    assert.deepEqual(mapLine(diff.hunks, 20), { line: 23, change: 'moved' });
  });

  it('insertions at the top, deletions and edits in one diff', () => {
    const lines = numbered(20);
    lines[9] = 'line 10 edited';
    lines.splice(14, 2); // old lines 15 and 16 removed
    lines.unshift('// header 1', '// header 2');
    const diff = parseUnifiedDiff(edit(lines));
    assert.equal(diff.hunks.length, 3);
    assert.deepEqual(mapLine(diff.hunks, 1), { line: 3, change: 'moved' });
    assert.deepEqual(mapLine(diff.hunks, 10), { line: 12, change: 'edited' });
    assert.deepEqual(mapLine(diff.hunks, 15), { line: 17, change: 'deleted' });
    assert.deepEqual(mapLine(diff.hunks, 16), { line: 17, change: 'deleted' });
    // Line 17 is the first kept after the deletion: two up, two down.
    assert.deepEqual(mapLine(diff.hunks, 17), { line: 17, change: 'unchanged' });
    assert.deepEqual(mapLine(diff.hunks, 18), { line: 18, change: 'unchanged' });
    // Every kept line's text is where the mapping says.
    for (const old of [1, 2, 9, 11, 14, 17, 20]) assert.equal(lines[mapLine(diff.hunks, old).line - 1], `line ${old}`);
  });

  it('an edit that grows a block maps into it and moves what follows', () => {
    const lines = numbered(20);
    lines.splice(5, 1, 'six a', 'six b', 'six c');
    const diff = parseUnifiedDiff(edit(lines));
    assert.deepEqual(mapLine(diff.hunks, 6), { line: 6, change: 'edited' });
    assert.deepEqual(mapLine(diff.hunks, 7), { line: 9, change: 'moved' });
  });

  it('the mapper asks git once per file and commit until the file changes', async () => {
    const lines = numbered(20);
    lines.splice(2, 0, 'inserted');
    edit(lines);
    let runs = 0;
    const mapper = new GitLineMapper({ gitPath: () => { runs++; return 'git'; } });
    assert.deepEqual(await mapper.map(file(), 12, commit), { kind: 'mapped', line: 13, recordedLine: 12, change: 'moved', commit });
    const asked = runs;
    assert.equal((await mapper.map(file(), 15, commit)).line, 16);
    assert.equal(runs, asked, 'the second line of the same file and commit costs no git process');
    lines.splice(2, 0, 'another line');
    edit(lines);
    assert.equal((await mapper.map(file(), 12, commit)).line, 14, 'a file changed on disk is compared again');
    mapper.invalidate(file());
    assert.equal((await mapper.map(file(), 12, commit)).line, 14);
    assert.ok(runs > asked);
  });

  it('says when the commit is not in the repository or the file was not in it', async () => {
    const mapper = new GitLineMapper();
    const unknown = await mapper.map(file(), 7, 'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef');
    assert.equal(unknown.kind, 'asRecorded');
    assert.equal(unknown.line, 7);
    assert.match(unknown.kind === 'asRecorded' ? unknown.why : '', /revision deadbeefdead is not in the git repository .*fetch it/);
    writeFileSync(path.join(repo, 'src', 'later.js'), 'x\n');
    const later = await mapper.map(path.join(repo, 'src', 'later.js'), 1, commit);
    assert.match(later.kind === 'asRecorded' ? later.why : '', /not at this path in revision/);
  });

  it('says when the file is not in a repository', async () => {
    const bare = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'tl-nogit-')));
    try {
      writeFileSync(path.join(bare, 'a.js'), 'x\n');
      const outcome = await new GitLineMapper().map(path.join(bare, 'a.js'), 1, commit);
      assert.match(outcome.kind === 'asRecorded' ? outcome.why : '', /not in a git repository/);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it('stops git when cancelled and keeps no answer', async () => {
    const mapper = new GitLineMapper();
    const outcome = await mapper.map(file(), 3, commit, AbortSignal.abort());
    assert.equal(outcome.kind, 'asRecorded');
    assert.match(outcome.kind === 'asRecorded' ? outcome.why : '', /cancelled/);
    assert.equal((await mapper.map(file(), 3, commit)).kind, 'mapped');
  });
});

describe('the revision of a span', () => {
  it('reads vcs.ref.head.revision from the span, then the resource', () => {
    const sha = '9d59409acf479dfa0df1aa568182e43e43df8bbe';
    assert.deepEqual(revisionOf({}, { 'vcs.ref.head.revision': sha.toUpperCase() }), { commit: sha, attribute: 'vcs.ref.head.revision' });
    assert.deepEqual(revisionOf({ 'vcs.ref.head.revision': '1a2b3c4' }, { 'vcs.ref.head.revision': sha }), { commit: '1a2b3c4', attribute: 'vcs.ref.head.revision' });
    assert.deepEqual(revisionOf({}, { 'vcs.repository.ref.revision': sha }), { commit: sha, attribute: 'vcs.repository.ref.revision' });
  });

  it('takes service.version when it is or ends in a commit id, not a version or build number', () => {
    assert.equal(revisionOf({}, { 'service.version': '1a2b3c4d' })?.commit, '1a2b3c4d');
    assert.equal(revisionOf({}, { 'service.version': 'v2.3.0-14-g1a2b3c4' })?.commit, '1a2b3c4');
    assert.equal(revisionOf({}, { 'service.version': '2.3.0+1a2b3c4' })?.commit, '1a2b3c4');
    assert.equal(revisionOf({}, { 'service.version': '2.3.0' }), undefined);
    assert.equal(revisionOf({}, { 'service.version': '20240115' }), undefined);
  });

  it('passes nothing to git that is not a hex commit id', () => {
    for (const v of ['main', 'HEAD', '--output=/tmp/x', 'abc', '1a2b3c4^', 'a'.repeat(65), 42]) assert.equal(asCommitId(v), undefined, String(v));
    assert.equal(revisionOf({ 'vcs.ref.head.revision': 'main' }, {}), undefined);
  });
});
