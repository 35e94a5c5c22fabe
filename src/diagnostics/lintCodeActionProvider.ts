import * as vscode from 'vscode';
import type { QuickFix } from '../core/lint/findings';
import { toRange, type LintDiagnosticStore } from './lintDiagnostics';
import { COMMANDS } from '../core/commands/commandIds';

/** Turns the engine's fixes into quick fixes: the rule fix (preferred), allow-listing a key, the suppression comment. */
export class LintCodeActionProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly store: LintDiagnosticStore) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (context.only && !vscode.CodeActionKind.QuickFix.intersects(context.only)) return [];
    const actions: vscode.CodeAction[] = [];
    const allowOffered = new Set<string>();
    for (const diagnostic of context.diagnostics) {
      const meta = this.store.metaFor(document.uri, diagnostic);
      if (!meta) continue;
      // Edits were computed for one version of the text; after typing they wait for the next lint.
      const fixes = meta.fixes && meta.version === document.version ? meta.fixes : [];
      const ruleFix = fixes.length > 1 ? fixes[0] : undefined;
      const suppression = fixes.length > 0 ? fixes[fixes.length - 1] : undefined;
      if (ruleFix) actions.push(this.editAction(document.uri, ruleFix, diagnostic, ruleFix.preferred ?? true));
      if (meta.attributeKey !== undefined && !allowOffered.has(meta.attributeKey)) {
        allowOffered.add(meta.attributeKey);
        const allow = new vscode.CodeAction(`Add '${meta.attributeKey}' to traceLens.lint.allowedKeys`, vscode.CodeActionKind.QuickFix);
        allow.diagnostics = [diagnostic];
        allow.command = { title: allow.title, command: COMMANDS.lintAllowKey, arguments: [meta.attributeKey] };
        actions.push(allow);
      }
      if (suppression) actions.push(this.editAction(document.uri, suppression, diagnostic, false));
    }
    return actions;
  }

  private editAction(uri: vscode.Uri, fix: QuickFix, diagnostic: vscode.Diagnostic, preferred: boolean): vscode.CodeAction {
    const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
    const edit = new vscode.WorkspaceEdit();
    for (const e of fix.edits) edit.replace(uri, toRange(e.range), e.newText);
    action.edit = edit;
    action.diagnostics = [diagnostic];
    action.isPreferred = preferred;
    return action;
  }
}
