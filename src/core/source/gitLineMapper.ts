/**
 * Lines of a span's revision carried to the working tree through git: is the commit in the
 * repository, was the file there at that commit, and what `git diff` says changed since. git runs
 * through execFile (no shell), with the commit already checked to be a hex id (revision.ts), the
 * file passed after `--`, and a signal that stops it. Answers are kept per (file, commit) until
 * the file changes on disk or is saved (the caller invalidates), so a click costs a `stat`, not a
 * process, after the first.
 */
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { mapLine, parseUnifiedDiff, type Hunk, type LineChange } from './lineMapping';

export type RevisionLines =
  | { kind: 'diff'; commit: string; repository: string; hunks: Hunk[] }
  /** The file is not inside a git work tree, or git could not be run. */
  | { kind: 'noRepository'; commit: string; reason: string }
  /** The repository does not have the commit (not fetched, or another repository's). */
  | { kind: 'unknownRevision'; commit: string; repository: string }
  /** The commit has no file at this path (added since, or renamed). */
  | { kind: 'fileNotInRevision'; commit: string; repository: string }
  | { kind: 'failed'; commit: string; reason: string };

export type LineOutcome =
  | { kind: 'mapped'; line: number; recordedLine: number; change: LineChange; commit: string }
  /** The recorded line is used as it is; `why` says so in a sentence. */
  | { kind: 'asRecorded'; line: number; commit?: string; why: string };

export interface GitLineMapperOptions {
  /** The git executable: VS Code's `git.path` when its git extension knows it, else `git` on PATH. */
  gitPath?: () => string;
  timeoutMs?: number;
  /** An unknown commit is asked about again after this long: the user may fetch it meanwhile. */
  unknownRetryMs?: number;
  maxEntries?: number;
}

/** `stamp` is the file's size and mtime when git was asked: a change behind the editor (a checkout, a pull) also counts. */
interface Entry { stamp: string; lines: Promise<RevisionLines>; settled?: RevisionLines }

const MAX_DIFF_BYTES = 16 * 1024 * 1024;

class GitFailure extends Error {
  constructor(message: string, readonly exitCode: number | undefined) { super(message); }
}

export class GitLineMapper {
  private readonly cache = new Map<string, Entry>();
  private readonly gitPath: () => string;
  private readonly timeoutMs: number;
  private readonly unknownRetryMs: number;
  private readonly maxEntries: number;

  constructor(options: GitLineMapperOptions = {}) {
    this.gitPath = options.gitPath ?? (() => 'git');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.unknownRetryMs = options.unknownRetryMs ?? 30_000;
    this.maxEntries = options.maxEntries ?? 500;
  }

  /** Where `line` of `file` at `commit` is in the working tree's copy of the file (as saved). */
  async map(file: string, line: number, commit: string, signal?: AbortSignal): Promise<LineOutcome> {
    const lines = await this.revisionLines(file, commit, signal);
    const short = commit.slice(0, 12);
    switch (lines.kind) {
      case 'diff': {
        const m = mapLine(lines.hunks, line);
        return { kind: 'mapped', line: m.line, recordedLine: line, change: m.change, commit };
      }
      case 'noRepository': return { kind: 'asRecorded', line, commit, why: `the spans were recorded at revision ${short}, but ${lines.reason}` };
      case 'unknownRevision': return { kind: 'asRecorded', line, commit, why: `revision ${short} is not in the git repository ${lines.repository} (fetch it to have lines follow your edits)` };
      case 'fileNotInRevision': return { kind: 'asRecorded', line, commit, why: `the file was not at this path in revision ${short}` };
      case 'failed': return { kind: 'asRecorded', line, commit, why: `git could not compare with revision ${short}: ${lines.reason}` };
    }
  }

  /** The cached answer for (file, commit), asking git on the first call and when the file changed. */
  async revisionLines(file: string, commit: string, signal?: AbortSignal): Promise<RevisionLines> {
    const key = `${file}\u0000${commit}`;
    const stamp = await stat(file).then((s) => `${s.size}:${s.mtimeMs}`, () => '');
    const hit = this.cache.get(key);
    if (hit && hit.stamp === stamp) return hit.lines;
    const lines = this.askGit(file, commit, signal);
    const entry: Entry = { stamp, lines };
    this.cache.delete(key); // re-inserted last: the oldest entry is the one dropped
    this.cache.set(key, entry);
    if (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
    // A cancelled or failed question is not an answer to keep; an unknown commit is asked again later.
    void lines.then((r) => {
      entry.settled = r;
      if (r.kind === 'failed') this.drop(key, entry);
      if (r.kind === 'unknownRevision') setTimeoutUnref(() => this.drop(key, entry), this.unknownRetryMs);
    });
    return lines;
  }

  /**
   * The answer already known for (file, commit), without waiting or checking the file again: for
   * the editor paths, which never wait (a save invalidates; `map` notices other changes).
   */
  peek(file: string, commit: string): RevisionLines | undefined {
    return this.cache.get(`${file}\u0000${commit}`)?.settled;
  }

  /** Forgets what git said about `file` (it was saved: its diff against every commit changed). */
  /** Returns whether anything was known about it. */
  invalidate(file: string): boolean {
    const prefix = `${file}\u0000`;
    let dropped = false;
    for (const key of [...this.cache.keys()]) {
      if (key.startsWith(prefix)) { this.cache.delete(key); dropped = true; }
    }
    return dropped;
  }

  clear(): void {
    this.cache.clear();
  }

  private drop(key: string, entry: Entry): void {
    if (this.cache.get(key) === entry) this.cache.delete(key);
  }

  private async askGit(file: string, commit: string, signal?: AbortSignal): Promise<RevisionLines> {
    const cwd = path.dirname(file);
    const name = path.basename(file);
    let repository: string;
    try {
      repository = (await this.git(['rev-parse', '--show-toplevel'], cwd, signal)).trim();
    } catch (err) {
      if (isAbort(err)) return { kind: 'failed', commit, reason: 'cancelled' };
      return { kind: 'noRepository', commit, reason: err instanceof GitFailure && err.exitCode !== undefined ? 'the file is not in a git repository' : `git could not be run (${errorText(err)})` };
    }
    try {
      try {
        await this.git(['rev-parse', '--verify', '--quiet', `${commit}^{commit}`], cwd, signal);
      } catch (err) {
        if (err instanceof GitFailure && err.exitCode !== undefined) return { kind: 'unknownRevision', commit, repository };
        throw err;
      }
      try {
        // `<commit>:./name` is the path relative to cwd, so no path needs rewriting against the top level.
        await this.git(['cat-file', '-e', `${commit}:./${name}`], cwd, signal);
      } catch (err) {
        if (err instanceof GitFailure && err.exitCode !== undefined) return { kind: 'fileNotInRevision', commit, repository };
        throw err;
      }
      const diff = parseUnifiedDiff(await this.git(['diff', '--no-color', '--no-ext-diff', '--no-textconv', '--unified=0', commit, '--', name], cwd, signal));
      if (diff.binary) return { kind: 'failed', commit, reason: 'git sees a binary file' };
      if (diff.added) return { kind: 'fileNotInRevision', commit, repository };
      return { kind: 'diff', commit, repository, hunks: diff.hunks };
    } catch (err) {
      return { kind: 'failed', commit, reason: isAbort(err) ? 'cancelled' : errorText(err) };
    }
  }

  private git(args: string[], cwd: string, signal?: AbortSignal): Promise<string> {
    // core.fsmonitor names a program git would start: a repository's own config must not choose one here.
    const full = ['-c', 'core.fsmonitor=false', '-c', 'core.quotePath=false', ...args];
    return new Promise((resolve, reject) => {
      execFile(this.gitPath(), full, {
        cwd, signal, timeout: this.timeoutMs, maxBuffer: MAX_DIFF_BYTES, windowsHide: true, encoding: 'utf8',
        // No prompts, no lock files taken away from the user's own git commands.
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' },
      }, (err, stdout) => {
        if (!err) { resolve(stdout); return; }
        const code = typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : undefined;
        if (err.name === 'AbortError') { reject(err); return; }
        reject(new GitFailure(err.message.split('\n')[0], code));
      });
    });
  }
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function setTimeoutUnref(fn: () => void, ms: number): void {
  const t = setTimeout(fn, ms);
  t.unref?.();
}
