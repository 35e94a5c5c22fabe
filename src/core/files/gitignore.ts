/**
 * .gitignore files as git reads them, shared by the CLI walker and the workspace lint. The matching
 * itself is the `ignore` package (the one ESLint uses): negations, character classes, `**`, trailing
 * and leading `/`, escapes, and "a file under an ignored directory stays ignored" are its job, not a
 * hand-written glob translation's.
 */
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** The rules of one .gitignore file, and the directory its patterns are relative to. */
export interface IgnoreRule {
  base: string;
  matcher: Ignore;
}

/** One entry (or none, for a file without patterns) for the .gitignore in `base`. */
export function parseGitignore(text: string, base: string): IgnoreRule[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  return lines.length === 0 ? [] : [{ base, matcher: ignore().add(lines) }];
}

function depth(dir: string): number {
  return path.resolve(dir).split(path.sep).filter(Boolean).length;
}

/**
 * Whether a path is ignored by the .gitignore files given, in any order. As in git, a deeper file's
 * patterns come after its parents' and the last pattern that matches decides, so a subdirectory's
 * `!keep.gen.ts` re-includes what the root's `*.gen.ts` excluded.
 */
export function isIgnored(abs: string, isDir: boolean, rules: readonly IgnoreRule[]): boolean {
  let ignored = false;
  for (const r of [...rules].sort((a, b) => depth(a.base) - depth(b.base))) {
    const rel = path.relative(r.base, abs);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) continue;
    const relPosix = rel.split(path.sep).join('/') + (isDir ? '/' : '');
    const result = r.matcher.test(relPosix);
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}
