import * as vscode from 'vscode';
import type { LiveFinding } from '../core/lint/findings';
import type { SourceMapping } from '../source/sourceMapping';
import type { SpanNameSites } from './spanNameSites';
import { readSourceFile } from '../source/workspaceSourceFiles';

export interface SourcePlace {
  uri: vscode.Uri;
  range: vscode.Range;
}

/**
 * Puts a live finding on the source line that produced it: `code.file.path`/`code.filepath` resolved
 * against the workspace (path mappings, then the longest path suffix), at `code.line.number`
 * carried to the working tree when the span names its revision; otherwise the literal span name at a tracer call site.
 */
export class LiveFindingLocator {
  constructor(
    private readonly spanNames: SpanNameSites,
    private readonly sourceMapping: SourceMapping,
  ) {}

  /**
   * Fires when a finding may land elsewhere than it did: files added to or removed from the index
   * (a folder created after the span arrived), mappings changed, or git moved a revision's lines.
   */
  onDidChange(listener: () => void): vscode.Disposable {
    return vscode.Disposable.from(this.sourceMapping.onDidChange(listener), this.sourceMapping.revisionLines.onDidChange(listener));
  }

  /** Resolves each finding; `texts` caches file contents for the duration of one publication. */
  async locate(finding: LiveFinding, texts: Map<string, string | undefined>): Promise<SourcePlace | undefined> {
    const ref = finding.span;
    if (ref.codeFilePath) {
      const resolved = (await this.sourceMapping.resolve(ref.codeFilePath)).resolved;
      if (resolved !== undefined) {
        const uri = vscode.Uri.file(resolved);
        const text = await this.textOf(uri, texts);
        if (text !== undefined) {
          if (ref.codeLineNumber !== undefined) {
            // Read from the saved file, as git compares it: an open editor's unsaved edits are not counted.
            const line = (await this.sourceMapping.revisionLines.place(resolved, ref.codeLineNumber, ref.codeRevision, { quiet: true })).line;
            return { uri, range: lineRange(text, line - 1) };
          }
          const site = this.spanNames.find(ref.name, uri);
          if (site && site.uri.toString() === uri.toString()) return site;
          return { uri, range: lineRange(text, 0) };
        }
      }
    }
    return this.spanNames.find(ref.name);
  }

  private async textOf(uri: vscode.Uri, texts: Map<string, string | undefined>): Promise<string | undefined> {
    const key = uri.toString();
    if (texts.has(key)) return texts.get(key);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    // Span data chose this path: read it only if it is really under a workspace folder (symlinks too).
    const text = open ? open.getText() : (await this.sourceMapping.checkContained(uri.fsPath)).inside ? await readSourceFile(uri) : undefined;
    texts.set(key, text);
    return text;
  }
}

/** The line's text without its indentation, or the last line when the span names a line past the end. */
function lineRange(text: string, line: number): vscode.Range {
  const lines = text.split('\n');
  const n = Math.max(0, Math.min(line, lines.length - 1));
  const content = (lines[n] ?? '').replace(/\r$/, '');
  const start = content.length - content.trimStart().length;
  return new vscode.Range(n, start, n, Math.max(start, content.trimEnd().length));
}
