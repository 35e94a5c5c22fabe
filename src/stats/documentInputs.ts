import * as vscode from 'vscode';
import { languageForPath, languageForVscodeId, type LanguageId } from '../core/lint/languages';
import { sharedTreeCache, type TreeCache } from '../core/lint/treeCache';
import { qualifiedFunctionName } from '../core/source/codeLocation';
import { parseFunctionName } from '../core/source/functionName';
import { normalizeSourcePath, pathIdentity } from '../core/source/sourcePath';
import { scanSpanNameCalls, type SpanNameSite } from '../core/source/spanNameScanner';
import { SymbolKindValue, type SymbolNode } from '../core/source/symbolMatching';
import type { OutlineParser } from '../source/outlineClient';
import type { StatsController } from './statsController';
import { takeTurn } from '../core/timeSlicing';

/** Where a document's function symbols come from. */
export type SymbolSource =
  /** Trace Lens's bundled tree-sitter grammar (TS/JS, Python, Go, Java, C#): the same with or without a language extension. */
  | 'parser'
  /** The language's symbol provider answered with symbols. */
  | 'provider'
  /** Not asked or not answered yet: lenses come from `code.*` line numbers and span names meanwhile. */
  | 'pending'
  /** No symbol provider for the language (or it found nothing): `code.*` line numbers and span names only. */
  | 'none';

export interface DocumentInputs {
  /** The tree handed to the lens index: the same object as long as nothing changed, so the index serves from cache. */
  symbols: readonly SymbolNode[];
  sites: readonly SpanNameSite[];
  source: SymbolSource;
  /** The symbols the parser or the provider found (empty when neither did, unlike `symbols`, which then holds the fallback). */
  foundSymbols: readonly SymbolNode[];
  /** The parser's language for this document, when Trace Lens parses it itself. */
  parserLanguage?: LanguageId;
  /** Why the bundled parser was not used for a document in one of its languages (a grammar that failed to load, a huge file). */
  parserProblem?: string;
}

/** The last outline of a document by the bundled parser. */
interface Outline {
  version: number;
  symbols: SymbolNode[];
}

interface Entry {
  uri: vscode.Uri;
  version: number;
  sites: SpanNameSite[];
  /** The document is too large to scan or parse (generated code). */
  sitesSkipped: boolean;
  /** The provider's tree; kept across versions until the new one arrives, so lenses do not flicker while typing. */
  symbols: SymbolNode[] | undefined;
  symbolsVersion: number;
  source: SymbolSource;
  fetching: Promise<void> | undefined;
  attempts: number;
  /** When the provider was last asked (Date.now()), to ask again while lenses are still being drawn. */
  askedAtMs: number;
  retry: ReturnType<typeof setTimeout> | undefined;
  fallback?: { key: string; symbols: SymbolNode[] };
  /** Kept across versions until the new one is parsed, so lenses do not flicker while typing. */
  outline?: Outline;
  outlining?: Promise<void>;
  /** Set when the bundled parser failed for this document: the symbol provider serves it instead. */
  parserProblem?: string;
}

const NO_SYMBOLS: readonly SymbolNode[] = Object.freeze([]);

/** Documents larger than this are generated code: no span-name scan. */
const MAX_SCAN_CHARS = 2 * 1024 * 1024;
const MAX_ENTRIES = 200;
/**
 * A language server that is still starting answers with nothing: ask again before falling back for
 * good. The TypeScript server can take well over ten seconds on a busy machine, and until it answers
 * the lenses sit on `code.*` lines, so the tries (one cheap command each) span about two minutes.
 */
const RETRY_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000, 60_000];
/**
 * After the tries, a document whose lenses are still requested (statistics keep changing) asks again
 * at most this often: a provider that answers late still moves the lenses onto the signatures.
 */
const ASK_AGAIN_MS = 10_000;
/** After the tries, how often a document that is still open and has no provider symbols asks again. */
const ASK_AGAIN_LATE_MS = 30_000;
/** A provider that has not answered after this long is treated as having answered nothing (and asked again later). */
const PROVIDER_TIMEOUT_MS = 30_000;
/** A synthetic function from a `code.*` line number covers at most this many lines below it (for hovers). */
const FALLBACK_SPAN_LINES = 60;

/**
 * The per-document inputs of the lens index, answered from memory: span-name call sites (scanned
 * once per document version) and function symbols. For the five languages Trace Lens bundles
 * grammars for, the symbols come from its own parser, always, not only when no symbol provider
 * answers: they are there at once (a language server can take minutes to start, and the lenses
 * used to jump when it did), they are the same with or without a language extension, they carry
 * what providers leave out (the package or namespace that qualified span names are matched
 * against, decorators and annotations included in the declaration's range), and asking the
 * provider is saved. Parsing is incremental, once per document version, after the lens request
 * returns, in the outline worker (src/source/outlineClient.ts). Other languages (and a document whose grammar failed to load) ask
 * `vscode.executeDocumentSymbolProvider` in the background; until it answers, or when the language
 * has no symbol provider, synthetic one-function-per-reported-line symbols built from `code.*`
 * line numbers stand in.
 */
export class DocumentInputsCache implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** Fires when a document's symbols arrived or changed: fire `onDidChangeCodeLenses`. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  /** The trees shared with the lint; undefined when the parser's runtime could not be found. */
  private readonly trees: TreeCache | undefined;
  private readonly parserUnavailable: string | undefined;

  constructor(
    private readonly stats: StatsController,
    private readonly outlines: OutlineParser,
    private readonly log: { warn(message: string): void; debug(message: string): void },
  ) {
    let trees: TreeCache | undefined;
    try {
      trees = sharedTreeCache();
    } catch (err) {
      this.parserUnavailable = err instanceof Error ? err.message : String(err);
    }
    this.trees = trees;
    this.disposables.push(
      this.changed,
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
    );
  }

  /** Synchronous: never waits for the parser or the symbol provider (starts them when needed). */
  get(document: vscode.TextDocument): DocumentInputs {
    const entry = this.entryFor(document);
    const language = this.parserLanguage(document, entry);
    if (language !== undefined) {
      if (entry.outline?.version !== document.version && !entry.outlining) this.outline(entry, document, language);
      return this.inputsOf(entry, document, language);
    }
    if (!entry.fetching && !entry.retry) {
      const stale = entry.symbolsVersion !== document.version;
      const unanswered = entry.source !== 'provider' && Date.now() - entry.askedAtMs >= ASK_AGAIN_MS;
      if (stale || unanswered) this.fetch(entry, document.version);
    }
    return this.inputsOf(entry, document);
  }

  /**
   * Resolves when the bundled parser's outline of this document version is in, or the parse
   * failed, or after `timeoutMs`, whichever comes first; at once when no parse is running.
   */
  async outlined(document: vscode.TextDocument, timeoutMs: number): Promise<void> {
    const parsing = this.entries.get(document.uri.toString())?.outlining;
    if (!parsing) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([parsing, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  /** For commands (Explain Source Mapping): waits for the parser's or the symbol provider's answer of this version. */
  async getSettled(document: vscode.TextDocument): Promise<DocumentInputs> {
    const entry = this.entryFor(document);
    let language = this.parserLanguage(document, entry);
    // A parse of an older version may be running: wait for it, then parse this one.
    for (let i = 0; i < 3 && language !== undefined && entry.outline?.version !== document.version; i++) {
      if (!entry.outlining) this.outline(entry, document, language);
      await entry.outlining;
      language = this.parserLanguage(document, entry);
    }
    if (language !== undefined) return this.inputsOf(entry, document, language);
    if (entry.symbolsVersion !== document.version || entry.source === 'pending') {
      if (entry.retry) {
        clearTimeout(entry.retry);
        entry.retry = undefined;
      }
      if (!entry.fetching) this.fetch(entry, document.version);
      await entry.fetching;
    }
    return this.inputsOf(entry, document);
  }

  dispose(): void {
    for (const e of this.entries.values()) if (e.retry) clearTimeout(e.retry);
    this.entries.clear();
    for (const d of this.disposables) d.dispose();
  }

  private entryFor(document: vscode.TextDocument): Entry {
    const key = document.uri.toString();
    let entry = this.entries.get(key);
    if (!entry) {
      if (this.entries.size >= MAX_ENTRIES) {
        const oldest = this.entries.keys().next().value as string;
        this.forget(this.entries.get(oldest)!.uri);
      }
      entry = { uri: document.uri, version: -1, sites: [], sitesSkipped: false, symbols: undefined, symbolsVersion: -1, source: 'pending', fetching: undefined, attempts: 0, askedAtMs: 0, retry: undefined };
      this.entries.set(key, entry);
    }
    if (entry.version !== document.version) {
      // The length from the last line's end offset: no copy of a huge generated file's text.
      const length = document.lineCount > 0 ? document.offsetAt(document.lineAt(document.lineCount - 1).range.end) : 0;
      entry.sitesSkipped = length > MAX_SCAN_CHARS;
      entry.sites = entry.sitesSkipped ? [] : scanSpanNameCalls(document.getText());
      entry.version = document.version;
      entry.attempts = 0;
    }
    return entry;
  }

  private inputsOf(entry: Entry, document: vscode.TextDocument, parserLanguage?: LanguageId): DocumentInputs {
    if (parserLanguage !== undefined) {
      // Before the first parse of a document, no lenses rather than fallback ones that jump a moment later.
      const symbols = entry.outline?.symbols ?? NO_SYMBOLS;
      return { symbols, sites: entry.sites, source: entry.outline ? 'parser' : 'pending', foundSymbols: symbols, parserLanguage };
    }
    const problem = this.parserProblem(document, entry);
    const extra = problem !== undefined ? { parserProblem: problem } : {};
    if (entry.symbols && entry.symbols.length > 0) {
      return { symbols: entry.symbols, sites: entry.sites, source: 'provider', foundSymbols: entry.symbols, ...extra };
    }
    return { symbols: this.fallbackSymbols(entry, document), sites: entry.sites, source: entry.source === 'provider' ? 'none' : entry.source, foundSymbols: [], ...extra };
  }

  /** The bundled grammar that parses this document, unless it failed for it or the file is too large. */
  private parserLanguage(document: vscode.TextDocument, entry: Entry): LanguageId | undefined {
    if (!this.trees || entry.parserProblem !== undefined || entry.sitesSkipped) return undefined;
    return languageOf(document);
  }

  private parserProblem(document: vscode.TextDocument, entry: Entry): string | undefined {
    const language = languageOf(document);
    if (language === undefined) return undefined;
    if (this.parserUnavailable !== undefined) return this.parserUnavailable;
    if (entry.parserProblem !== undefined) return entry.parserProblem;
    return entry.sitesSkipped ? `the file is larger than ${MAX_SCAN_CHARS / (1024 * 1024)} MiB (generated code?), so Trace Lens does not parse it` : undefined;
  }

  /**
   * Parses the document's current text after the lens request that asked has returned, then
   * tells the lens provider. A failure (a grammar that cannot load) hands the document to the
   * symbol provider for good.
   */
  private outline(entry: Entry, document: vscode.TextDocument, language: LanguageId): void {
    const version = document.version;
    const text = document.getText();
    const key = entry.uri.toString();
    const promise = (async () => {
      await takeTurn();
      if (this.entries.get(key) !== entry) return;
      try {
        const started = performance.now();
        const symbols = await this.outlines.outline(text, language, key);
        if (this.entries.get(key) !== entry) {
          this.log.debug(`Outline of ${vscode.workspace.asRelativePath(entry.uri)} v${version} dropped: the document was closed meanwhile`);
          this.outlines.forget(key); // closed while parsing: drop the tree the parse just cached
          return;
        }
        this.log.debug(`Outline of ${vscode.workspace.asRelativePath(entry.uri)} v${version}: ${symbols.length} top-level symbol(s) in ${(performance.now() - started).toFixed(0)} ms`);
        entry.outline = { version, symbols };
      } catch (err) {
        entry.parserProblem = `the bundled ${language} parser failed: ${err instanceof Error ? err.message : String(err)}`;
        // Its lenses now wait for the language's symbol provider, which may take a while: say why.
        this.log.warn(`Functions of ${vscode.workspace.asRelativePath(entry.uri)}: ${entry.parserProblem}; the language's symbol provider serves them instead.`);
      }
      this.changed.fire(entry.uri);
    })().finally(() => {
      if (entry.outlining === promise) entry.outlining = undefined;
    });
    entry.outlining = promise;
  }

  private fetch(entry: Entry, version: number): void {
    const promise = (async () => {
      let result: Array<vscode.DocumentSymbol | vscode.SymbolInformation> | undefined;
      entry.askedAtMs = Date.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        result = await Promise.race([
          vscode.commands.executeCommand<Array<vscode.DocumentSymbol | vscode.SymbolInformation> | undefined>('vscode.executeDocumentSymbolProvider', entry.uri),
          new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), PROVIDER_TIMEOUT_MS))),
        ]);
      } catch {
        result = undefined; // a failing provider is the same as none: the fallback serves
      } finally {
        clearTimeout(timer);
      }
      if (this.entries.get(entry.uri.toString()) !== entry) return;
      const tree = toSymbolTree(result ?? []);
      entry.attempts++;
      if (tree.length > 0) {
        entry.symbols = tree;
        entry.symbolsVersion = version;
        entry.source = 'provider';
        this.changed.fire(entry.uri);
        return;
      }
      entry.symbolsVersion = version;
      const delay = RETRY_DELAYS_MS[entry.attempts - 1];
      if (delay === undefined) {
        const wasPending = entry.source === 'pending';
        entry.source = entry.symbols && entry.symbols.length > 0 ? 'provider' : 'none';
        if (wasPending) this.changed.fire(entry.uri);
      }
      if (entry.source !== 'provider') {
        // The provider may still be starting (the TypeScript server can take minutes on a busy
        // machine): ask again later, and keep asking, rarely, while the document is open.
        entry.retry = setTimeout(() => {
          entry.retry = undefined;
          if (this.entries.get(entry.uri.toString()) === entry && !entry.fetching) this.fetch(entry, entry.version);
        }, delay ?? ASK_AGAIN_LATE_MS);
      }
    })().finally(() => {
      if (entry.fetching === promise) entry.fetching = undefined;
    });
    entry.fetching = promise;
  }

  /**
   * One synthetic function per `code.*` location placed on this file with a line number: named as
   * reported, starting at the reported line. Rebuilt only when the statistics or the document change,
   * so the lens index keeps serving the same tree object from its cache.
   */
  private fallbackSymbols(entry: Entry, document: vscode.TextDocument): SymbolNode[] {
    const index = this.stats.lensIndex;
    const key = `${index?.generation ?? ''}:${document.version}`;
    if (entry.fallback?.key === key) return entry.fallback.symbols;
    const symbols: SymbolNode[] = [];
    const identity = pathIdentity(normalizeSourcePath(document.uri.fsPath));
    const lines = new Map<number, string>();
    for (const s of this.stats.allLocations) {
      const loc = s.location;
      if (loc.filePath === undefined || loc.lineNumber === undefined) continue;
      const resolution = this.stats.resolve(loc.filePath);
      if (resolution === undefined || pathIdentity(normalizeSourcePath(resolution)) !== identity) continue;
      const line = (this.stats.currentLine(resolution, loc) ?? loc.lineNumber) - 1;
      if (line >= document.lineCount || lines.has(line)) continue;
      const q = qualifiedFunctionName(loc);
      lines.set(line, q !== undefined ? parseFunctionName(q).simple || q : `line ${loc.lineNumber}`);
    }
    const starts = [...lines.keys()].sort((a, b) => a - b);
    starts.forEach((line, i) => {
      const next = starts[i + 1] ?? document.lineCount;
      const endLine = Math.max(line, Math.min(next - 1, line + FALLBACK_SPAN_LINES, document.lineCount - 1));
      symbols.push({ name: lines.get(line)!, kind: SymbolKindValue.Function, range: { startLine: line, endLine }, selectionLine: line, children: [] });
    });
    entry.fallback = { key, symbols };
    return symbols;
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    const entry = this.entries.get(key);
    if (entry?.retry) clearTimeout(entry.retry);
    this.entries.delete(key);
    if (this.trees) this.outlines.forget(key);
  }
}

/** The bundled grammar for a document: by VS Code's language id, else by file extension (a `.java` file in plain text). */
function languageOf(document: vscode.TextDocument): LanguageId | undefined {
  return languageForVscodeId(document.languageId) ?? (document.uri.scheme === 'file' ? languageForPath(document.uri.fsPath) : undefined);
}

/** `DocumentSymbol[]` as the plain tree the core matches against; flat `SymbolInformation[]` nested by range containment. */
export function toSymbolTree(items: ReadonlyArray<vscode.DocumentSymbol | vscode.SymbolInformation>): SymbolNode[] {
  if (items.length === 0) return [];
  if ('selectionRange' in items[0] || 'children' in items[0]) return (items as vscode.DocumentSymbol[]).map(fromDocumentSymbol);
  const flat = (items as vscode.SymbolInformation[])
    .filter((s) => s?.location?.range)
    .map((s): SymbolNode => ({ name: s.name, kind: s.kind, range: { startLine: s.location.range.start.line, endLine: s.location.range.end.line }, selectionLine: s.location.range.start.line, children: [] }))
    .sort((a, b) => a.range.startLine - b.range.startLine || b.range.endLine - a.range.endLine);
  const roots: SymbolNode[] = [];
  const stack: SymbolNode[] = [];
  for (const node of flat) {
    while (stack.length > 0 && stack[stack.length - 1].range.endLine < node.range.endLine) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent) parent.children!.push(node);
    else roots.push(node);
    stack.push(node);
  }
  return roots;
}

function fromDocumentSymbol(s: vscode.DocumentSymbol): SymbolNode {
  return {
    name: s.name,
    kind: s.kind,
    range: { startLine: s.range.start.line, endLine: s.range.end.line },
    selectionLine: s.selectionRange?.start.line ?? s.range.start.line,
    children: (s.children ?? []).map(fromDocumentSymbol),
  };
}
