import * as vscode from 'vscode';
import type { QuickFix, RuleId, Severity, TextRange } from '../core/lint/findings';
import { helpUri } from '../core/lint/ruleCatalogue';
import { DIAGNOSTIC_SOURCE } from '../ui/diagnosticSource';

const SEVERITY: Readonly<Record<Severity, vscode.DiagnosticSeverity>> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

/** What a quick fix needs to know about a diagnostic; VS Code hands diagnostics back as copies, so this is looked up by content. */
export interface DiagnosticMeta {
  ruleId: RuleId;
  /** Text edits of a source finding, valid for `version` of the document only. */
  fixes?: readonly QuickFix[];
  version?: number;
  /** SD001 (source or live): the key that can be added to `traceLens.lint.allowedKeys`. */
  attributeKey?: string;
}

export function toRange(r: TextRange): vscode.Range {
  return new vscode.Range(r.startLine, r.startColumn, r.endLine, r.endColumn);
}

export function createDiagnostic(ruleId: RuleId, severity: Severity, message: string, range: vscode.Range): vscode.Diagnostic {
  const d = new vscode.Diagnostic(range, message, SEVERITY[severity]);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = { value: ruleId, target: vscode.Uri.parse(helpUri(ruleId)) };
  return d;
}

export function ruleIdOf(d: vscode.Diagnostic): string | undefined {
  if (d.source !== DIAGNOSTIC_SOURCE) return undefined;
  const code = d.code;
  if (typeof code === 'string') return code;
  if (code && typeof code === 'object') return String(code.value);
  return undefined;
}

export function diagnosticKey(d: vscode.Diagnostic): string {
  const r = d.range;
  return `${ruleIdOf(d) ?? ''}|${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}|${d.message}`;
}

/**
 * The one "Trace Lens" DiagnosticCollection. Source findings (per document, from the editor or a
 * workspace scan) and live findings (from spans) are kept apart and published together, so
 * re-linting one kind never wipes the other.
 */
export class LintDiagnosticStore implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('Trace Lens');
  private readonly source = new Map<string, { uri: vscode.Uri; diagnostics: vscode.Diagnostic[] }>();
  private live = new Map<string, { uri: vscode.Uri; diagnostics: vscode.Diagnostic[] }>();
  private readonly meta = new Map<string, Map<string, DiagnosticMeta>>();

  setSource(uri: vscode.Uri, entries: ReadonlyArray<{ diagnostic: vscode.Diagnostic; meta: DiagnosticMeta }>): void {
    const key = uri.toString();
    if (entries.length === 0) this.source.delete(key);
    else this.source.set(key, { uri, diagnostics: entries.map((e) => e.diagnostic) });
    this.rememberMeta(key, 'source', entries);
    this.publish(uri);
  }

  deleteSource(uri: vscode.Uri): void {
    this.setSource(uri, []);
  }

  hasSource(uri: vscode.Uri): boolean {
    return this.source.has(uri.toString());
  }

  /** Replaces every live diagnostic at once (each live lint run sees the whole recent window). */
  setLive(entries: ReadonlyArray<{ uri: vscode.Uri; diagnostic: vscode.Diagnostic; meta: DiagnosticMeta }>): void {
    const previous = this.live;
    this.live = new Map();
    for (const e of entries) {
      const key = e.uri.toString();
      let slot = this.live.get(key);
      if (!slot) this.live.set(key, (slot = { uri: e.uri, diagnostics: [] }));
      slot.diagnostics.push(e.diagnostic);
    }
    const touched = new Map<string, vscode.Uri>();
    for (const [k, v] of previous) touched.set(k, v.uri);
    for (const [k, v] of this.live) touched.set(k, v.uri);
    for (const [key, uri] of touched) {
      this.rememberMeta(key, 'live', entries.filter((e) => e.uri.toString() === key));
      this.publish(uri);
    }
  }

  /** The meta of a diagnostic VS Code passed back (e.g. in a CodeActionContext). */
  metaFor(uri: vscode.Uri, d: vscode.Diagnostic): DiagnosticMeta | undefined {
    return this.meta.get(uri.toString())?.get(diagnosticKey(d));
  }

  /** Source-diagnostic URIs, e.g. to re-lint after a settings change. */
  sourceUris(): vscode.Uri[] {
    return [...this.source.values()].map((s) => s.uri);
  }

  clear(): void {
    this.source.clear();
    this.live.clear();
    this.meta.clear();
    this.collection.clear();
  }

  dispose(): void {
    this.clear();
    this.collection.dispose();
  }

  private rememberMeta(key: string, kind: 'source' | 'live', entries: ReadonlyArray<{ diagnostic: vscode.Diagnostic; meta: DiagnosticMeta }>): void {
    // Rebuilt from both halves so one kind's update does not drop the other's metadata.
    const map = new Map<string, DiagnosticMeta>();
    const other = kind === 'source' ? this.live.get(key) : this.source.get(key);
    const old = this.meta.get(key);
    for (const d of other?.diagnostics ?? []) {
      const m = old?.get(diagnosticKey(d));
      if (m) map.set(diagnosticKey(d), m);
    }
    for (const e of entries) map.set(diagnosticKey(e.diagnostic), e.meta);
    if (map.size === 0) this.meta.delete(key);
    else this.meta.set(key, map);
  }

  private publish(uri: vscode.Uri): void {
    const key = uri.toString();
    const all = [...(this.source.get(key)?.diagnostics ?? []), ...(this.live.get(key)?.diagnostics ?? [])];
    if (all.length === 0) this.collection.delete(uri);
    else this.collection.set(uri, all);
  }
}
