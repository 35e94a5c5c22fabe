/**
 * Expands CLI paths into source files: directories recursively, skipping node_modules and .git,
 * and honouring .gitignore files in a simple way (globs, `**`, trailing `/`, leading `/`;
 * negations are not supported and are ignored).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { languageForPath } from '../core/lint/languages';

const ALWAYS_SKIPPED = new Set(['node_modules', '.git', '.hg', '.svn']);

interface IgnoreRule {
  base: string;
  re: RegExp;
  dirOnly: boolean;
}

function globToRegExp(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches any number of directories, `**` at the end everything below.
        const slash = glob[i + 2] === '/';
        out += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if ('.+^${}()|[]\\'.includes(c)) out += `\\${c}`;
    else out += c;
  }
  return out;
}

export function parseGitignore(text: string, base: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const dirOnly = line.endsWith('/');
    if (dirOnly) line = line.slice(0, -1);
    const anchored = line.startsWith('/') || line.slice(0, -1).includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    const body = globToRegExp(line);
    const re = new RegExp(anchored ? `^${body}(?:/.*)?$` : `(?:^|/)${body}(?:/.*)?$`);
    rules.push({ base, re, dirOnly });
  }
  return rules;
}

function isIgnored(abs: string, isDir: boolean, rules: readonly IgnoreRule[]): boolean {
  for (const r of rules) {
    const rel = path.relative(r.base, abs);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) continue;
    const relPosix = rel.split(path.sep).join('/');
    if (r.dirOnly && !isDir) {
      // A dir-only rule still ignores files inside that directory.
      const parent = path.posix.dirname(relPosix);
      if (parent !== '.' && r.re.test(parent)) return true;
      continue;
    }
    if (r.re.test(relPosix)) return true;
  }
  return false;
}

function readIgnore(dir: string): IgnoreRule[] {
  try {
    return parseGitignore(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8'), dir);
  } catch {
    return [];
  }
}

/** .gitignore files from the directory up to the repository root (the folder holding .git). */
function ancestorRules(dir: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  let cur = path.dirname(dir);
  for (;;) {
    if (cur === dir) break;
    rules.push(...readIgnore(cur));
    if (fs.existsSync(path.join(cur, '.git'))) break;
    const parent = path.dirname(cur);
    if (parent === cur) break;
    cur = parent;
  }
  return rules;
}

export interface WalkResult {
  files: string[];
  /** Paths given on the command line that do not exist. */
  missing: string[];
}

/** Lintable files under `paths`, sorted. Files named explicitly are kept even if ignored. */
export function collectSourceFiles(paths: readonly string[], cwd: string): WalkResult {
  const files = new Set<string>();
  const missing: string[] = [];
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch {
      missing.push(p);
      continue;
    }
    if (stat.isFile()) {
      if (languageForPath(abs)) files.add(abs);
      continue;
    }
    walk(abs, [...ancestorRules(abs)], files);
  }
  return { files: [...files].sort(), missing };
}

function walk(dir: string, inherited: IgnoreRule[], out: Set<string>): void {
  const rules = [...inherited, ...readIgnore(dir)];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (ALWAYS_SKIPPED.has(e.name) || isIgnored(abs, true, rules)) continue;
      walk(abs, rules, out);
    } else if (e.isFile() && languageForPath(abs) && !isIgnored(abs, false, rules)) {
      out.add(abs);
    }
  }
}
