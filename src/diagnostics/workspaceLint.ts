import * as vscode from 'vscode';
import type { SourceFinding } from '../core/lint/findings';
import { findWorkspaceSourceFiles, readSourceFile } from '../source/workspaceSourceFiles';
import { takeTurn } from '../core/timeSlicing';

export interface WorkspaceLintResult {
  files: number;
  filesWithFindings: number;
  findings: number;
  byRule: Record<string, number>;
  ms: number;
  cancelled: boolean;
  /** Files linted (URIs as strings), so the caller can keep them current. */
  scanned: string[];
}

export interface WorkspaceLintDeps {
  /** Lints one file's text and publishes its diagnostics; returns the findings. */
  lintText(uri: vscode.Uri, text: string, document?: vscode.TextDocument): Promise<SourceFinding[]>;
  log: vscode.LogOutputChannel;
}

/**
 * Lints every source file of the workspace (files.exclude and .gitignore honoured, huge and binary
 * files skipped), open documents from their editor text, reporting "done / total" as it goes.
 */
export async function lintWorkspace(
  deps: WorkspaceLintDeps,
  signal: AbortSignal,
  progress?: vscode.Progress<{ message?: string; increment?: number }>,
): Promise<WorkspaceLintResult> {
  const started = Date.now();
  const tokenSource = new vscode.CancellationTokenSource();
  const onAbort = () => tokenSource.cancel();
  signal.addEventListener('abort', onAbort);
  const result: WorkspaceLintResult = { files: 0, filesWithFindings: 0, findings: 0, byRule: {}, ms: 0, cancelled: false, scanned: [] };
  try {
    progress?.report({ message: 'finding files…' });
    const files = await findWorkspaceSourceFiles(tokenSource.token);
    const open = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
    let lastReport = 0;
    let reportedPercent = 0;
    for (let i = 0; i < files.length; i++) {
      if (signal.aborted) {
        result.cancelled = true;
        break;
      }
      const uri = files[i];
      const doc = open.get(uri.toString());
      const text = doc ? doc.getText() : await readSourceFile(uri);
      if (text !== undefined) {
        try {
          const findings = await deps.lintText(uri, text, doc);
          result.files++;
          result.scanned.push(uri.toString());
          if (findings.length > 0) result.filesWithFindings++;
          result.findings += findings.length;
          for (const f of findings) result.byRule[f.ruleId] = (result.byRule[f.ruleId] ?? 0) + 1;
        } catch (err) {
          deps.log.warn(`Lint: ${vscode.workspace.asRelativePath(uri)}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      if (Date.now() - lastReport > 100 || i === files.length - 1) {
        const percent = ((i + 1) / files.length) * 100;
        progress?.report({ message: `${i + 1} / ${files.length} files`, increment: percent - reportedPercent });
        reportedPercent = percent;
        lastReport = Date.now();
      }
      await takeTurn();
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    tokenSource.dispose();
  }
  result.cancelled ||= signal.aborted;
  result.ms = Date.now() - started;
  return result;
}
