import * as path from 'node:path';
import * as vscode from 'vscode';
import { languageForPath } from '../core/lint/languages';
import { sharedTreeCache, type TreeCache } from '../core/lint/treeCache';
import type { FunctionNameParts } from '../core/source/functionName';
import {
  candidateFiles,
  functionsFitting,
  goModulePath,
  MAX_BROAD_SEARCH_FILES,
  mentionsName,
  type GoModule,
  type QualifiedNameMatch,
  type QualifiedNameResolution,
} from '../core/source/qualifiedNameLocator';
import { flattenFunctions, type FunctionSymbol } from '../core/source/symbolMatching';
import { readSourceFile } from '../diagnostics/workspaceSourceFiles';
import type { OutlineParser } from './outlineClient';
import type { SourceMapping } from './sourceMapping';

/** Parsed files kept, by path, for the next search (checked against the file's mtime and size). */
const MAX_OUTLINES = 2_000;
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
 * thread given back between files, never on the CodeLens path; answers are cached until a source
 * file is created, deleted or saved. What to look for and which files fit is decided in
 * src/core/source/qualifiedNameLocator.ts.
 */
export class QualifiedNameFiles implements vscode.Disposable {
  private readonly answers = new Map<string, QualifiedNameResolution>();
  private wanted = new Map<string, FunctionNameParts>();
  private readonly parsed = new Map<string, FileOutline>();
  private goModulesValue: Promise<GoModule[]> | undefined;
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
        if (d.uri.scheme === 'file' && languageForPath(d.uri.fsPath) !== undefined) this.invalidate(false);
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

  /** Searches for every wanted name without an answer, one after the other; a second call while one runs is absorbed. */
  private async run(): Promise<void> {
    if (this.running || this.disposed) return;
    this.running = true;
    try {
      for (;;) {
        const next = [...this.wanted].find(([name]) => !this.answers.has(name));
        if (!next || this.disposed) return;
        const generation = this.generation;
        const started = Date.now();
        const answer = await this.search(next[0], next[1], generation);
        if (this.disposed) return;
        if (answer === undefined || generation !== this.generation) continue;
        this.answers.set(next[0], answer);
        this.log.debug(`Qualified name ${next[0]}: ${answer.matches.length} file(s) in the workspace (${answer.searched} read, ${Date.now() - started} ms)`);
        this.changed.fire();
      }
    } catch (err) {
      this.log.warn(`Searching the workspace for qualified function names failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.running = false;
    }
  }

  /** Undefined when files changed meanwhile (the search is started again). */
  private async search(name: string, parts: FunctionNameParts, generation: number): Promise<QualifiedNameResolution | undefined> {
    const index = (await this.sourceMapping.resolver()).index;
    const modules = await this.goModules();
    const { likely, broad } = candidateFiles(name, parts, index.paths(), modules);
    const matches: QualifiedNameMatch[] = [];
    let searched = 0;
    let truncated = false;
    for (const [files, cap] of [[likely, Infinity], [broad, MAX_BROAD_SEARCH_FILES]] as const) {
      // Files named by convention first; every other file only when none of those has the function.
      if (matches.length > 0) break;
      let read = 0;
      for (const file of files) {
        if (read >= cap) {
          truncated = true;
          break;
        }
        // Give the host thread back between files: this runs beside typing and lens requests.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (generation !== this.generation || this.disposed) return undefined;
        read++;
        const fns = await this.functionsOf(file, parts);
        if (fns === undefined) continue;
        searched++;
        for (const fn of functionsFitting(parts, fns, file, modules)) matches.push({ path: file, line: fn.startLine, name: fn.name });
      }
    }
    // One file may declare the name twice (overloads): it is still one file.
    const byFile = new Map<string, QualifiedNameMatch>();
    for (const m of matches) if (!byFile.has(m.path)) byFile.set(m.path, m);
    return { matches: [...byFile.values()], searched, truncated };
  }

  /** The functions of a file, from the open document's text when it is open; undefined when the file does not mention the name. */
  private async functionsOf(file: string, parts: FunctionNameParts): Promise<FunctionSymbol[] | undefined> {
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
    if (text === undefined || !mentionsName(text, parts)) return undefined;
    const symbols = await this.outlines.outline(text, language);
    const fns = flattenFunctions(symbols);
    this.parsed.delete(file);
    if (this.parsed.size >= MAX_OUTLINES) this.parsed.delete(this.parsed.keys().next().value as string);
    this.parsed.set(file, { stamp, fns });
    return fns;
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
