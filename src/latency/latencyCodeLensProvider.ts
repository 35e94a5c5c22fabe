import * as vscode from 'vscode';
import type { StatsController } from '../stats/statsController';
import type { DocumentInputsCache } from '../stats/documentInputs';
import { showTracesArgsOf } from '../core/stats/hoverMarkdown';
import { COMMANDS } from '../core/commands/commandIds';

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
  ) {}

  /** Statistics, mappings or a document's symbols changed. */
  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): LatencyCodeLens[] {
    const index = this.stats.lensIndex;
    if (!index || document.uri.scheme !== 'file') return [];
    const { symbols, sites } = this.inputs.get(document);
    const lenses = index.lensesFor(document.uri.fsPath, symbols, sites);
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
