/**
 * Expands CLI paths into source files: directories recursively, skipping node_modules and .git,
 * and honouring .gitignore files in a simple way (globs, `**`, trailing `/`, leading `/`;
 * negations are not supported and are ignored).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isIgnored, parseGitignore, type IgnoreRule } from '../core/files/gitignore';
import { languageForPath } from '../core/lint/languages';

const ALWAYS_SKIPPED = new Set(['node_modules', '.git', '.hg', '.svn']);

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
