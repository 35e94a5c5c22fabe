/**
 * .gitignore rules in a simple form shared by the CLI walker and the workspace lint: globs, `**`,
 * trailing `/`, leading `/`; negations (`!`) are not supported and are skipped.
 */
import * as path from 'node:path';

export interface IgnoreRule {
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

/** Whether a path is ignored; a file inside a directory matched by a dir-only rule is too. */
export function isIgnored(abs: string, isDir: boolean, rules: readonly IgnoreRule[]): boolean {
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
