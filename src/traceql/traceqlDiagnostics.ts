import * as vscode from 'vscode';
import { validateTraceQL } from '../core/traceql/traceqlValidation';
import { TRACEQL_LANGUAGE } from '../core/traceql/traceqlValidation';

/** A `.traceql` document larger than this is not a query someone writes: left unchecked. */
const MAX_CHECKED_LENGTH = 100_000;

/**
 * Syntax errors of `.traceql` documents as diagnostics, from Grafana's TraceQL grammar
 * (src/core/traceql/traceqlValidation.ts), kept current as the document changes and removed when it closes.
 */
export class TraceQLDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('traceql');
  private readonly disposables: vscode.Disposable[] = [this.collection];

  constructor() {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.check(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.check(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this.collection.delete(d.uri)),
    );
    for (const d of vscode.workspace.textDocuments) this.check(d);
  }

  private check(document: vscode.TextDocument): void {
    if (document.languageId !== TRACEQL_LANGUAGE) return;
    const text = document.getText();
    if (text.length > MAX_CHECKED_LENGTH) { this.collection.delete(document.uri); return; }
    this.collection.set(document.uri, validateTraceQL(text).map((p) => {
      // A missing piece is shown on the character where it was expected (or the last one).
      const from = p.from === p.to && p.from > 0 && p.from >= text.trimEnd().length ? p.from - 1 : p.from;
      const to = Math.max(p.to, from + 1);
      const diagnostic = new vscode.Diagnostic(new vscode.Range(document.positionAt(from), document.positionAt(to)), p.message, vscode.DiagnosticSeverity.Error);
      diagnostic.source = 'Trace Lens';
      return diagnostic;
    }));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
