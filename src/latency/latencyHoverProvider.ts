import * as vscode from 'vscode';
import { HOVER_COMMANDS } from '../core/stats/hoverMarkdown';
import type { DocumentInputsCache } from '../stats/documentInputs';
import type { StatsController } from '../stats/statsController';

/**
 * The latency hover of a function (from its first line, where the lens is, to its name) or of a span-creating call,
 * from memory. Links run named commands only: `isTrusted` lists them, never `true`.
 */
export class LatencyHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly stats: StatsController,
    private readonly inputs: DocumentInputsCache,
  ) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const index = this.stats.lensIndex;
    if (!index || document.uri.scheme !== 'file') return undefined;
    const { symbols, sites } = this.inputs.get(document);
    const hover = index.hoverAt(document.uri.fsPath, position.line, symbols, sites);
    // Only on the declaration's head, from the lens line (decorators, annotations) to the name: a
    // hover on every line of a function body would be noise.
    if (!hover || position.line < hover.range.startLine || position.line > hover.nameLine) return undefined;
    const markdown = new vscode.MarkdownString(hover.markdown);
    markdown.isTrusted = { enabledCommands: [...HOVER_COMMANDS] };
    return new vscode.Hover(markdown, document.lineAt(position.line).range);
  }
}
