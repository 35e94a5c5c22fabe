import * as vscode from 'vscode';
import { scanSpanNameCalls } from '../core/source/spanNameScanner';

export interface SpanNameLocation {
  uri: vscode.Uri;
  range: vscode.Range;
}

/** Files remembered at most; a workspace scan beyond this keeps the first ones. */
const MAX_FILES = 20_000;

/**
 * Literal span names at tracer call sites, per file, fed by the lint passes that read the text anyway
 * (open documents and workspace scans). Places live findings of spans without `code.*` attributes.
 */
export class SpanNameSites {
  private readonly byFile = new Map<string, { uri: vscode.Uri; names: string[] }>();
  private readonly byName = new Map<string, Map<string, SpanNameLocation>>();

  update(uri: vscode.Uri, text: string): void {
    const key = uri.toString();
    this.remove(uri);
    const sites = scanSpanNameCalls(text);
    if (sites.length === 0 || (this.byFile.size >= MAX_FILES && !this.byFile.has(key))) return;
    const names: string[] = [];
    for (const s of sites) {
      let at = this.byName.get(s.name);
      if (!at) this.byName.set(s.name, (at = new Map()));
      // The first call site of a name in a file is enough to point at.
      if (at.has(key)) continue;
      at.set(key, { uri, range: new vscode.Range(s.line, s.column, s.line, s.column + s.name.length) });
      names.push(s.name);
    }
    this.byFile.set(key, { uri, names });
  }

  remove(uri: vscode.Uri): void {
    const key = uri.toString();
    const entry = this.byFile.get(key);
    if (!entry) return;
    this.byFile.delete(key);
    for (const n of entry.names) {
      const at = this.byName.get(n);
      at?.delete(key);
      if (at?.size === 0) this.byName.delete(n);
    }
  }

  /** The call site of a literal span name, when exactly one file has it (several would be a guess). */
  find(name: string, preferFile?: vscode.Uri): SpanNameLocation | undefined {
    const at = this.byName.get(name);
    if (!at) return undefined;
    if (preferFile) {
      const inFile = at.get(preferFile.toString());
      if (inFile) return inFile;
    }
    return at.size === 1 ? at.values().next().value : undefined;
  }

  clear(): void {
    this.byFile.clear();
    this.byName.clear();
  }
}
