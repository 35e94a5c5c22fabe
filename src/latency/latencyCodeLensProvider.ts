import * as vscode from 'vscode';
import type { StatsController } from '../stats/statsController';
import type { DocumentInputs, DocumentInputsCache } from '../stats/documentInputs';
import { showTracesArgsOf } from '../core/stats/hoverMarkdown';
import { COMMANDS } from '../core/commands/commandIds';

/**
 * How long the first lens request of a document waits for its functions: the outline worker's
 * first parse, grammar loading included (≤ 300 ms budgeted, ~1 s seen on a loaded machine). Past
 * it, the request answers what it has, and the lenses follow the parse's change event.
 */
const FIRST_OUTLINE_WAIT_MS = 3_000;
/** Documents whose last answer is remembered; past it, all are forgotten (each then asks again once). */
const MAX_TRACKED_DOCUMENTS = 500;

/** A lens whose title and command are filled in by resolveCodeLens. */
export class LatencyCodeLens extends vscode.CodeLens {
  constructor(
    range: vscode.Range,
    readonly locationKey: string,
    readonly text: string,
  ) {
    super(range);
  }
}

/**
 * Latency above functions and span-creating calls, served from memory: the lens index caches per
 * (symbols, statistics) and the document inputs never wait for the symbol provider. Functions with
 * no data get no lens.
 */
export class LatencyCodeLensProvider implements vscode.CodeLensProvider<LatencyCodeLens> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(
    private readonly stats: StatsController,
    private readonly inputs: DocumentInputsCache,
    private readonly log: Pick<vscode.LogOutputChannel, 'debug' | 'logLevel'>,
  ) {}

  /** The debug lines below are built only when someone reads them: this is the CodeLens path. */
  private get debugging(): boolean {
    return this.log.logLevel === vscode.LogLevel.Debug || this.log.logLevel === vscode.LogLevel.Trace;
  }

  /** The document version (by URI) whose last lens answer already had its parsed functions. */
  private readonly answeredParsed = new Map<string, number>();
  /** Documents (by URI) whose lens request is waiting for their functions: it will answer with them. */
  private readonly waiting = new Set<string>();

  /** Statistics or mappings changed. */
  refresh(): void {
    this.changed.fire();
  }

  /**
   * A document's functions arrived or changed. When its last lens answer waited for them, asking
   * again would only redraw the same lenses, and a click landing meanwhile hits a lens whose
   * command is not resolved yet.
   */
  symbolsChanged(uri: vscode.Uri): void {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (this.waiting.has(uri.toString()) || (document && this.answeredParsed.get(uri.toString()) === document.version)) return;
    this.refresh();
  }

  /**
   * From memory, except the first request for a document version its functions are being parsed
   * for: that one waits for the parse (FIRST_OUTLINE_WAIT_MS at most). Answering none at once and
   * announcing the lenses when the parse is in was not enough: in the workbench tests VS Code, now
   * and then, did not ask again after the change event, and the document kept no lenses.
   */
  provideCodeLenses(document: vscode.TextDocument, token?: vscode.CancellationToken): LatencyCodeLens[] | Promise<LatencyCodeLens[]> {
    const index = this.stats.lensIndex;
    if (!index || document.uri.scheme !== 'file') {
      if (this.debugging) this.log.debug(`CodeLens for ${document.uri.toString(true)}: none (${index ? 'not a file' : 'no statistics yet'})`);
      return [];
    }
    const inputs = this.inputs.get(document);
    if (inputs.source !== 'pending' || inputs.parserLanguage === undefined) return this.lenses(document, inputs);
    const key = document.uri.toString();
    this.waiting.add(key);
    return this.inputs.outlined(document, FIRST_OUTLINE_WAIT_MS).then(() => {
      this.waiting.delete(key);
      if (!token?.isCancellationRequested) return this.lenses(document, this.inputs.get(document));
      // VS Code asks again when it wants the lenses; the change event makes sure it does.
      this.refresh();
      return [];
    });
  }

  private lenses(document: vscode.TextDocument, { symbols, sites, source }: DocumentInputs): LatencyCodeLens[] {
    const index = this.stats.lensIndex;
    if (!index) return [];
    const lenses = index.lensesFor(document.uri.fsPath, symbols, sites);
    if (this.answeredParsed.size >= MAX_TRACKED_DOCUMENTS) this.answeredParsed.clear();
    if (source === 'parser') this.answeredParsed.set(document.uri.toString(), document.version);
    else this.answeredParsed.delete(document.uri.toString());
    // Why a document shows no lens, when asked (Developer: Set Log Level… → Debug).
    if (this.debugging) this.log.debug(`CodeLens for ${vscode.workspace.asRelativePath(document.uri)} v${document.version}: ${lenses.length} lens(es), ${symbols.length} function(s) from ${source}, ${sites.length} span-name call(s)`);
    return lenses.map((l) => new LatencyCodeLens(new vscode.Range(l.line, 0, l.line, 0), l.locationKey, l.text));
  }

  resolveCodeLens(lens: LatencyCodeLens): LatencyCodeLens {
    const stats = this.stats.statsFor(lens.locationKey);
    lens.command = stats
      ? { title: lens.text, command: COMMANDS.showFunctionTraces, tooltip: 'Trace Lens: example traces of this function', arguments: [showTracesArgsOf(stats)] }
      : // The statistics were replaced since the lens was made; a refresh of the lenses is on its way.
        { title: lens.text, command: '' };
    return lens;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
