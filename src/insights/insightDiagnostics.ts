import * as vscode from 'vscode';
import type { DocumentInputsCache } from '../stats/documentInputs';
import type { Severity } from '../core/lint/findings';
import { insightHelpUri } from '../core/insights/insightRules';
import { insightDiagnosticMessage, type InsightFinding } from '../core/insights/locationInsights';
import { normalizeSourcePath, pathIdentity } from '../core/source/sourcePath';
import { DIAGNOSTIC_SOURCE } from '../ui/diagnosticSource';
import type { StatsController } from '../stats/statsController';

const SEVERITY: Readonly<Record<Severity, vscode.DiagnosticSeverity>> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

/** Where one finding goes: a workspace file and a 0-based line, or nowhere yet. */
export interface InsightPlace {
  file: string;
  line: number;
}

/**
 * Performance insights as diagnostics on the line that issues the calls: the `code.*` line of the
 * parent span (or of the calls), in the workspace file the source mapping resolves. A location without
 * a line number lands on its function's name once the document is open (the lens index places it).
 * Rebuilt from the statistics pass's findings when they, the mapping or a document's symbols change:
 * nothing here runs detectors.
 */
export class InsightDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('Trace Lens Insights');
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly stats: StatsController,
    private readonly inputs: DocumentInputsCache,
  ) {
    this.disposables.push(
      this.collection,
      stats.onDidChange(() => this.update()),
      inputs.onDidChange(() => this.update()),
      vscode.workspace.onDidOpenTextDocument(() => this.update()),
    );
    this.update();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  /** The place of one finding, or undefined while its file is not mapped (or, without a line, not open). */
  placeOf(f: InsightFinding): InsightPlace | undefined {
    const loc = f.location;
    if (!loc?.filePath) return undefined;
    const file = this.stats.resolve(loc.filePath);
    if (file === undefined) return undefined;
    if (loc.lineNumber !== undefined && loc.lineNumber > 0) return { file, line: loc.lineNumber - 1 };
    const index = this.stats.lensIndex;
    const doc = index && f.locationKey !== undefined ? openDocument(file) : undefined;
    if (!index || !doc) return undefined;
    const { symbols, sites } = this.inputs.get(doc);
    const lens = index.lensesFor(doc.uri.fsPath, symbols, sites).find((l) => l.locationKey === f.locationKey);
    return lens ? { file, line: lens.nameLine } : undefined;
  }

  private update(): void {
    const rules = this.stats.currentInsightSettings.rules;
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const f of this.stats.insightFindings) {
      const severity = rules[f.ruleId];
      if (severity === 'off') continue;
      const place = this.placeOf(f);
      if (!place) continue;
      const d = new vscode.Diagnostic(lineRange(place), insightDiagnosticMessage(f), SEVERITY[severity]);
      d.source = DIAGNOSTIC_SOURCE;
      d.code = { value: f.ruleId, target: vscode.Uri.parse(insightHelpUri(f.ruleId)) };
      let list = byFile.get(place.file);
      if (!list) byFile.set(place.file, (list = []));
      list.push(d);
    }
    this.collection.clear();
    for (const [file, diagnostics] of byFile) this.collection.set(vscode.Uri.file(file), diagnostics);
  }
}

function openDocument(file: string): vscode.TextDocument | undefined {
  const id = pathIdentity(normalizeSourcePath(file));
  return vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && pathIdentity(normalizeSourcePath(d.uri.fsPath)) === id);
}

/** The line's text from its first non-blank character when the document is open; else the line, which the editor clamps. */
function lineRange(place: InsightPlace): vscode.Range {
  const doc = openDocument(place.file);
  if (doc && place.line < doc.lineCount) {
    const line = doc.lineAt(place.line);
    return new vscode.Range(place.line, line.firstNonWhitespaceCharacterIndex, place.line, line.range.end.character);
  }
  return new vscode.Range(place.line, 0, place.line, Number.MAX_SAFE_INTEGER);
}
