/**
 * Expands CLI paths into source (or trace) files: directories recursively, skipping node_modules and .git,
 * and honouring .gitignore files as git does (src/core/files/gitignore.ts, negations included). A symlink is followed only when its target stays
 * inside the directory given on the command line: a checkout must not make the lint read
 * `~/.ssh` or loop forever.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isIgnored, parseGitignore, type IgnoreRule } from '../core/files/gitignore';
import { languageForPath } from '../core/lint/languages';
import { isPathInside } from '../core/source/workspaceContainment';
import { readFileCapped } from './inputFiles';

const ALWAYS_SKIPPED = new Set(['node_modules', '.git', '.hg', '.svn']);
/** Real .gitignore files are a few KiB; a larger one (or /dev/zero behind a symlink) is not read. */
const MAX_GITIGNORE_BYTES = 1024 * 1024;

function readIgnore(dir: string): IgnoreRule[] {
  const file = path.join(dir, '.gitignore');
  try {
    // Git itself does not follow a symlinked .gitignore; neither does this.
    if (!fs.lstatSync(file).isFile()) return [];
    const read = readFileCapped(file, MAX_GITIGNORE_BYTES);
    return read.ok ? parseGitignore(read.bytes.toString('utf8'), dir) : [];
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

/**
 * Files under `paths` that `accept` takes (by default: source files the lint reads), sorted. Files
 * named explicitly are kept even if ignored.
 */
export function collectSourceFiles(paths: readonly string[], cwd: string, accept: (file: string) => boolean = (f) => languageForPath(f) !== undefined): WalkResult {
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
      if (accept(abs)) files.add(abs);
      continue;
    }
    if (!stat.isDirectory()) continue;
    const root = fs.realpathSync(abs);
    const w: Walk = { root, visited: new Set([root]), out: files, linkedDirs: [], accept };
    walk({ dir: abs, real: root }, w, [...ancestorRules(abs)]);
    // Linked directories last, so a directory reached both ways is listed under its own path.
    for (let next = w.linkedDirs.shift(); next; next = w.linkedDirs.shift()) {
      if (w.visited.has(next.real)) continue;
      w.visited.add(next.real);
      walk(next, w, next.rules);
    }
  }
  return { files: [...files].sort(), missing };
}

interface Walk {
  /** Real path of the directory named on the command line: nothing outside it is read. */
  root: string;
  /** Real paths of the directories walked, so a symlink back up does not loop. */
  visited: Set<string>;
  out: Set<string>;
  /** Symlinked directories inside the root, walked after the real tree. */
  linkedDirs: Array<{ dir: string; real: string; rules: IgnoreRule[] }>;
  accept: (file: string) => boolean;
}

/** What a directory entry is, following a symlink only when its real target is inside the root. */
function entryKind(e: fs.Dirent, abs: string, real: string, w: Walk): { kind: 'dir' | 'linkedDir' | 'file'; real: string } | undefined {
  if (e.isDirectory()) return { kind: 'dir', real };
  if (e.isFile()) return { kind: 'file', real };
  if (!e.isSymbolicLink()) return undefined;
  try {
    const target = fs.realpathSync(abs);
    if (!isPathInside(target, w.root)) return undefined;
    const stat = fs.statSync(target);
    return stat.isDirectory() ? { kind: 'linkedDir', real: target } : stat.isFile() ? { kind: 'file', real: target } : undefined;
  } catch {
    return undefined; // dangling link
  }
}

function walk(dir: { dir: string; real: string }, w: Walk, inherited: IgnoreRule[]): void {
  const rules = [...inherited, ...readIgnore(dir.dir)];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir.dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const abs = path.join(dir.dir, e.name);
    const entry = entryKind(e, abs, path.join(dir.real, e.name), w);
    if (entry?.kind === 'dir' || entry?.kind === 'linkedDir') {
      if (ALWAYS_SKIPPED.has(e.name) || isIgnored(abs, true, rules) || w.visited.has(entry.real)) continue;
      if (entry.kind === 'linkedDir') {
        w.linkedDirs.push({ dir: abs, real: entry.real, rules });
        continue;
      }
      w.visited.add(entry.real);
      walk({ dir: abs, real: entry.real }, w, rules);
    } else if (entry?.kind === 'file' && w.accept(abs) && !isIgnored(abs, false, rules)) {
      w.out.add(abs);
    }
  }
}
