import * as path from 'node:path';
import * as vscode from 'vscode';
import { languageForPath } from '../core/lint/languages';
import { sharedTreeCache, type TreeCache } from '../core/lint/treeCache';
import { parseFunctionName, type FunctionNameParts } from '../core/source/functionName';
import {
  candidateFiles,
  functionsFitting,
  goModulePath,
  MAX_BROAD_SEARCH_FILES,
  mentionsName,
  sourceFileOf,
  type GoModule,
  type QualifiedNameMatch,
  type QualifiedNameResolution,
  type SourceFile,
} from '../core/source/qualifiedNameLocator';
import { flattenFunctions, type FunctionSymbol } from '../core/source/symbolMatching';
import { readSourceFile } from './workspaceSourceFiles';
import type { OutlineParser } from './outlineClient';
import type { SourceMapping } from './sourceMapping';
import { takeTurn } from '../core/timeSlicing';

/** Parsed files kept, by path, for the next search (checked against the file's mtime and size). */
const MAX_OUTLINES = 2_000;
/** Index entries turned into SourceFiles between two yields of the host thread. */
const FILES_PER_SLICE = 5_000;
/** Saves and file events come in bursts (a branch switch): search again once they settle. */
const SETTLE_MS = 500;
const GO_MOD_EXCLUDE = '{**/node_modules/**,**/.git/**,**/vendor/**}';

interface FileOutline {
  stamp: string;
  fns: FunctionSymbol[];
}

/**
 * Finds the workspace files of the locations that spans name only by qualified name (the Java
 * agent's defaults, Go and .NET names), so their lenses appear when the file is opened whether or
 * not it was open when the spans arrived. Runs in the background, one file at a time with the host
 * thread given back between files and the parsing in the outline worker, never on the CodeLens path.
 * Answers are kept until a source file is created or deleted; a saved file is checked again alone.
 * What to look for and which files fit is decided in src/core/source/qualifiedNameLocator.ts.
 */
export class QualifiedNameFiles implements vscode.Disposable {
  private readonly answers = new Map<string, QualifiedNameResolution>();
  private wanted = new Map<string, FunctionNameParts>();
  private readonly parsed = new Map<string, FileOutline>();
  private goModulesValue: Promise<GoModule[]> | undefined;
  private files: { version: number; list: SourceFile[] } | undefined;
  /** Bumped when files change: a search started before reports nothing. */
  private generation = 0;
  private running = false;
  private settleTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  private readonly trees: TreeCache | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when an answer arrives or answers were dropped. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly sourceMapping: SourceMapping,
    private readonly outlines: OutlineParser,
    private readonly log: vscode.LogOutputChannel,
  ) {
    let trees: TreeCache | undefined;
    try {
      trees = sharedTreeCache();
    } catch (err) {
      log.warn(`Spans known only by qualified name are matched in open documents only: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.trees = trees;
    const goMod = vscode.workspace.createFileSystemWatcher('**/go.mod');
    this.disposables.push(
      this.changed,
      goMod,
      goMod.onDidChange(() => this.invalidate(true)),
      goMod.onDidCreate(() => this.invalidate(true)),
      goMod.onDidDelete(() => this.invalidate(true)),
      sourceMapping.onDidChange(() => this.invalidate(false)),
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (d.uri.scheme === 'file' && languageForPath(d.uri.fsPath) !== undefined) void this.recheck(d.uri.fsPath);
      }),
    );
  }

  /** The answers so far, by qualified name (a copy: the lens index keeps it). */
  get resolutions(): ReadonlyMap<string, QualifiedNameResolution> {
    return new Map(this.answers);
  }

  /** The qualified names the statistics currently hold: names not answered yet are searched for in the background. */
  want(names: Map<string, FunctionNameParts>): void {
    this.wanted = names;
    if (!this.trees || [...names.keys()].every((n) => this.answers.has(n))) return;
    void this.run();
  }

  dispose(): void {
    this.disposed = true;
    this.generation++;
    if (this.settleTimer) clearTimeout(this.settleTimer);
    for (const d of this.disposables) d.dispose();
  }

  private invalidate(goModules: boolean): void {
    if (goModules) this.goModulesValue = undefined;
    this.generation++;
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => {
      this.settleTimer = undefined;
      if (this.answers.size === 0 && this.wanted.size === 0) return;
      this.answers.clear();
      this.changed.fire();
      void this.run();
    }, SETTLE_MS);
  }

  /** Searches for every wanted name without an answer, all of them in one pass; a call while one runs is absorbed. */
  private async run(): Promise<void> {
    if (this.running || this.disposed) return;
    this.running = true;
    try {
      for (;;) {
        const batch = [...this.wanted].filter(([name]) => !this.answers.has(name));
        if (batch.length === 0 || this.disposed) return;
        const generation = this.generation;
        const started = Date.now();
        const found = await this.search(batch, generation);
        if (this.disposed) return;
        if (found === undefined || generation !== this.generation) continue;
        for (const [name, answer] of found) this.answers.set(name, answer);
        this.log.debug(`Searched the workspace for ${found.size} qualified name(s) in ${Date.now() - started} ms: ${[...found].map(([n, a]) => `${n} → ${a.matches.length} file(s)`).join(', ')}`);
        this.changed.fire();
      }
    } catch (err) {
      this.log.warn(`Searching the workspace for qualified function names failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.running = false;
    }
  }

  /**
   * Each name in the files its language's conventions name; the names still not found, in one pass
   * over every other source file (each read once, parsed only if it mentions one of them).
   * Undefined when files changed meanwhile (the search is started again).
   */
  private async search(batch: ReadonlyArray<[string, FunctionNameParts]>, generation: number): Promise<Map<string, QualifiedNameResolution> | undefined> {
    const files = await this.sourceFiles();
    const modules = await this.goModules();
    const state: Array<{ name: string; parts: FunctionNameParts; files: { likely: string[]; broad: string[] }; matches: QualifiedNameMatch[]; searched: number; truncated: boolean }> = [];
    for (const [name, parts] of batch) {
      // One pass over the file list per name (a few ms for 100k files): the thread is given back between names.
      await takeTurn();
      state.push({ name, parts, files: candidateFiles(name, parts, files, modules), matches: [], searched: 0, truncated: false });
    }
    const visit = async (file: string, names: typeof state): Promise<boolean> => {
      // Give the host thread back between files: this runs beside typing and lens requests.
      await takeTurn();
      if (generation !== this.generation || this.disposed) return false;
      const fns = await this.functionsOf(file, (text) => names.some((n) => mentionsName(text, n.parts)));
      if (fns === undefined) return true;
      for (const n of names) {
        n.searched++;
        for (const fn of functionsFitting(n.parts, fns, file, modules)) n.matches.push({ path: file, line: fn.startLine, name: fn.name });
      }
      return true;
    };
    for (const n of state) for (const file of n.files.likely) if (!(await visit(file, [n]))) return undefined;
    const broad = new Map<string, typeof state>();
    for (const n of state) {
      if (n.matches.length > 0) continue;
      for (const file of n.files.broad) {
        let names = broad.get(file);
        if (!names) broad.set(file, (names = []));
        names.push(n);
      }
    }
    let read = 0;
    for (const [file, names] of broad) {
      if (read++ >= MAX_BROAD_SEARCH_FILES) {
        for (const n of state) if (n.matches.length === 0) n.truncated = true;
        break;
      }
      if (!(await visit(file, names))) return undefined;
    }
    return new Map(state.map((n) => [n.name, { matches: onePerFile(n.matches), searched: n.searched, truncated: n.truncated }]));
  }

  /** A saved file may have gained or lost a function: only its matches are checked again. */
  private async recheck(file: string): Promise<void> {
    if (this.answers.size === 0) return;
    const generation = this.generation;
    const names = [...this.answers.keys()].map((name) => ({ name, parts: parseFunctionName(name) }));
    const modules = await this.goModules();
    const fns = (await this.functionsOf(file, (text) => names.some((n) => mentionsName(text, n.parts)))) ?? [];
    if (generation !== this.generation || this.disposed) return;
    let changed = false;
    for (const { name, parts } of names) {
      const answer = this.answers.get(name);
      if (!answer) continue;
      const fitting = functionsFitting(parts, fns, file, modules).map((fn) => ({ path: file, line: fn.startLine, name: fn.name }));
      const others = answer.matches.filter((m) => m.path !== file);
      const matches = onePerFile([...others, ...fitting]);
      if (JSON.stringify(matches) === JSON.stringify(answer.matches)) continue;
      this.answers.set(name, { ...answer, matches });
      changed = true;
    }
    if (changed) this.changed.fire();
  }

  /**
   * The functions of a file, from the open document's text when it is open. Undefined when the file
   * cannot be read, or, not parsed before, its text does not `mention` what is looked for.
   */
  private async functionsOf(file: string, mention: (text: string) => boolean): Promise<FunctionSymbol[] | undefined> {
    const language = languageForPath(file);
    if (!language || !this.trees) return undefined;
    const uri = vscode.Uri.file(file);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === file);
    let stamp: string;
    if (open) stamp = `open:${open.version}`;
    else {
      try {
        const stat = await vscode.workspace.fs.stat(uri);
        stamp = `${stat.mtime}:${stat.size}`;
      } catch {
        return undefined;
      }
    }
    const cached = this.parsed.get(file);
    if (cached?.stamp === stamp) return cached.fns;
    const text = open ? open.getText() : await readSourceFile(uri);
    if (text === undefined || !mention(text)) return undefined;
    const symbols = await this.outlines.outline(text, language);
    const fns = flattenFunctions(symbols);
    this.parsed.delete(file);
    if (this.parsed.size >= MAX_OUTLINES) this.parsed.delete(this.parsed.keys().next().value as string);
    this.parsed.set(file, { stamp, fns });
    return fns;
  }

  /** The index's source files as the search reads them, built once per index version in slices. */
  private async sourceFiles(): Promise<SourceFile[]> {
    const index = (await this.sourceMapping.resolver()).index;
    if (this.files?.version === index.version) return this.files.list;
    const version = index.version;
    const list: SourceFile[] = [];
    let sinceYield = 0;
    for (const { path: file, norm } of index.files()) {
      const source = sourceFileOf(file, norm);
      if (source) list.push(source);
      if (++sinceYield >= FILES_PER_SLICE) {
        sinceYield = 0;
        await takeTurn();
        // The index changed under the walk: start over on the new one.
        if (index.version !== version) return this.sourceFiles();
      }
    }
    this.files = { version, list };
    return list;
  }

  /** The workspace's go.mod files and their module paths, read once (and again when one changes). */
  private goModules(): Promise<GoModule[]> {
    this.goModulesValue ??= (async () => {
      const out: GoModule[] = [];
      for (const uri of await vscode.workspace.findFiles('**/go.mod', GO_MOD_EXCLUDE, 200)) {
        const text = await readSourceFile(uri);
        const module = text !== undefined ? goModulePath(text) : undefined;
        if (module !== undefined) out.push({ dir: path.dirname(uri.fsPath), path: module });
      }
      return out;
    })();
    return this.goModulesValue;
  }
}

/** One file may declare the name twice (overloads): it is still one file. */
function onePerFile(matches: readonly QualifiedNameMatch[]): QualifiedNameMatch[] {
  const byFile = new Map<string, QualifiedNameMatch>();
  for (const m of matches) if (!byFile.has(m.path)) byFile.set(m.path, m);
  return [...byFile.values()];
}
