import * as path from 'node:path';
import * as vscode from 'vscode';
import { isIgnored, parseGitignore, type IgnoreRule } from '../core/files/gitignore';

/** Extensions the lint understands (see core/lint/languages.ts). */
const SOURCE_GLOB = '**/*.{ts,mts,cts,tsx,js,mjs,cjs,jsx,py,go,java,cs}';
/** Never worth scanning, whatever the settings say. */
const ALWAYS_EXCLUDED = ['**/node_modules/**', '**/.git/**', '**/.hg/**', '**/.svn/**', '**/*.d.ts'];
/** A workspace scan is a sample of the code, not an indexer: stop somewhere. */
export const MAX_SCANNED_FILES = 20_000;


/** `{a,b}` inside one pattern cannot be nested in the outer `{…}` group: expand it (one level is all settings use). */
function expandBraces(pattern: string): string[] {
  const m = /\{([^{}]*)\}/.exec(pattern);
  if (!m) return [pattern];
  return m[1].split(',').flatMap((alt) => expandBraces(pattern.slice(0, m.index) + alt + pattern.slice(m.index + m[0].length)));
}

/**
 * `findFiles` applies `files.exclude` only when no exclude is passed; passing ours turns it off, so
 * the folder's `files.exclude` is merged in here (`when` conditions are ignored: they need sibling lookups).
 */
function excludeGlob(folder: vscode.WorkspaceFolder): string {
  const configured = vscode.workspace.getConfiguration('files', folder.uri).get<Record<string, unknown>>('exclude') ?? {};
  const patterns = new Set(ALWAYS_EXCLUDED);
  for (const [pattern, on] of Object.entries(configured)) {
    if (on !== true) continue;
    for (const p of expandBraces(pattern)) {
      const glob = p.replace(/\/+$/, '');
      patterns.add(glob);
      // `**/build` excludes the folder; findFiles matches files, so exclude what is below it too.
      if (!glob.endsWith('/**')) patterns.add(`${glob}/**`);
    }
  }
  return `{${[...patterns].join(',')}}`;
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
  } catch {
    return undefined;
  }
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** .gitignore files above the folder, up to the repository root, as the CLI walker reads them. */
async function ancestorRules(folder: string): Promise<IgnoreRule[]> {
  const rules: IgnoreRule[] = [];
  if (await exists(vscode.Uri.file(path.join(folder, '.git')))) return rules;
  for (let dir = path.dirname(folder); ; dir = path.dirname(dir)) {
    const text = await readText(vscode.Uri.file(path.join(dir, '.gitignore')));
    if (text !== undefined) rules.push(...parseGitignore(text, dir));
    if (await exists(vscode.Uri.file(path.join(dir, '.git')))) break;
    if (path.dirname(dir) === dir) break;
  }
  return rules;
}

/**
 * Lintable files of every workspace folder, honouring `files.exclude` and `.gitignore` files
 * (the folder's own and those above it up to the repository root), sorted by path.
 */
export async function findWorkspaceSourceFiles(token?: vscode.CancellationToken): Promise<vscode.Uri[]> {
  const out: vscode.Uri[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== 'file') continue;
    const exclude = excludeGlob(folder);
    const [files, ignoreFiles, inherited] = await Promise.all([
      vscode.workspace.findFiles(new vscode.RelativePattern(folder, SOURCE_GLOB), exclude, MAX_SCANNED_FILES, token),
      vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/.gitignore'), exclude, 1000, token),
      ancestorRules(folder.uri.fsPath),
    ]);
    const rules = [...inherited];
    for (const f of ignoreFiles) {
      const text = await readText(f);
      if (text !== undefined) rules.push(...parseGitignore(text, path.dirname(f.fsPath)));
    }
    for (const f of files) if (!isIgnored(f.fsPath, false, rules)) out.push(f);
    if (out.length >= MAX_SCANNED_FILES) break;
  }
  out.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  return out.slice(0, MAX_SCANNED_FILES);
}

/** Files larger than this are generated or vendored code, not instrumentation someone writes. */
export const MAX_LINTED_BYTES = 1024 * 1024;

/** The file's text, or undefined when it is too large, binary or unreadable. */
export async function readSourceFile(uri: vscode.Uri): Promise<string | undefined> {
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.size > MAX_LINTED_BYTES) return undefined;
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (bytes.subarray(0, 8192).includes(0)) return undefined;
    return Buffer.from(bytes).toString('utf8');
  } catch {
    return undefined;
  }
}
