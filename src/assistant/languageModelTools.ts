import * as vscode from 'vscode';
import { ASSISTANT_TOOL_NAMES, ASSISTANT_TOOLS, AssistantInputError, type AssistantToolName } from '../core/assistant/assistantTools';
import type { LintFindingRef } from '../core/assistant/assistantAnswers';
import { errorAnswer, recentTraces, resolveWorkspaceFile, runAssistantTool, type AssistantSources, type WorkspaceFile } from '../core/assistant/assistantRuntime';
import { CancelledError, isCancellation } from '../core/errors';
import { WorkspaceContainment } from '../core/source/workspaceContainment';
import { normalizeSourcePath, pathIdentity } from '../core/source/sourcePath';
import type { BackendController } from '../backends/backendController';
import { DIAGNOSTIC_SOURCE } from '../ui/diagnosticSource';
import { describeError } from '../ui/errorPresenter';
import type { StatisticsService } from '../stats/statisticsService';

export interface AssistantToolDependencies {
  log: vscode.LogOutputChannel;
  backends: BackendController;
  statistics: StatisticsService;
  /** The lint feature, seen only through what the tools ask of it (features do not import each other). */
  lint: { lintText(uri: vscode.Uri, text: string, document?: vscode.TextDocument): Promise<unknown> };
}

/**
 * Registers the Language Model Tools (`contributes.languageModelTools`): thin adapters over
 * src/core/assistant, reading what the editor's features read, the same backend with the same
 * credentials (sent only to their origin) and the same lens statistics. A tool that may reach a
 * remote backend, or any tool in an untrusted workspace, asks the user first.
 */
export function registerAssistantTools(deps: AssistantToolDependencies): vscode.Disposable {
  const sources = new EditorAssistantSources(deps);
  return vscode.Disposable.from(...ASSISTANT_TOOL_NAMES.map((name) => vscode.lm.registerTool<object>(name, new AssistantTool(name, sources, deps))));
}

/**
 * Why the user is asked before the tool runs, or undefined when it answers from this window alone: a
 * tool that may reach a remote backend asks (it spends the stored credentials and sends the answer to
 * the assistant), and in an untrusted workspace every tool asks.
 */
export function assistantToolConfirmation(name: AssistantToolName, backends: Pick<BackendController, 'type' | 'describe'>): string | undefined {
  if (ASSISTANT_TOOLS[name].mayReachBackend && backends.type !== 'local') {
    return `This asks ${backends.describe()} for trace data, with the credentials stored for it, and gives the answer to the assistant.`;
  }
  if (!vscode.workspace.isTrusted) return 'This workspace is not trusted: Trace Lens reads traces from your own settings only, and gives the answer to the assistant.';
  return undefined;
}

class AssistantTool implements vscode.LanguageModelTool<object> {
  constructor(
    private readonly name: AssistantToolName,
    private readonly sources: EditorAssistantSources,
    private readonly deps: AssistantToolDependencies,
  ) {}

  prepareInvocation(): vscode.PreparedToolInvocation {
    const tool = ASSISTANT_TOOLS[this.name];
    const confirmation = assistantToolConfirmation(this.name, this.deps.backends);
    return {
      invocationMessage: `Trace Lens: ${tool.title.toLowerCase()}`,
      ...(confirmation ? { confirmationMessages: { title: `Trace Lens: ${tool.title}`, message: new vscode.MarkdownString(confirmation) } } : {}),
    };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<object>, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
    const abort = new AbortController();
    const subscription = token.onCancellationRequested(() => abort.abort(new CancelledError()));
    try {
      const text = await runAssistantTool(this.name, options.input, this.sources, abort.signal);
      return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
    } catch (err) {
      if (isCancellation(err)) throw err;
      // A failure the model can act on (a wrong id, no backend) is an answer, not an exception.
      if (!(err instanceof AssistantInputError)) this.deps.log.warn(`Assistant tool ${this.name} failed: ${describeError(err)}`);
      return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(errorAnswer(err))]);
    } finally {
      subscription.dispose();
    }
  }
}

/** Where the tools read from in the editor: the backend controller, the lens statistics, the lint's diagnostics. */
class EditorAssistantSources implements AssistantSources {
  constructor(private readonly deps: AssistantToolDependencies) {}

  describeBackend(): string {
    return this.deps.backends.describe();
  }

  backend() {
    return this.deps.backends.current();
  }

  workspaceFile(file: string): Promise<WorkspaceFile> {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    return resolveWorkspaceFile(file, new WorkspaceContainment(folders));
  }

  async lensInputs(file: WorkspaceFile) {
    await this.deps.backends.ready;
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file.path));
    return this.deps.statistics.lensInputs(document);
  }

  async recentTraces(signal: AbortSignal) {
    await this.deps.backends.ready;
    return recentTraces(this.deps.backends.current(), this.deps.statistics.stats.currentSettings.lookbackMs, signal);
  }

  isFile(spanPath: string, file: WorkspaceFile): boolean {
    const resolved = this.deps.statistics.stats.resolve(spanPath);
    return resolved !== undefined && pathIdentity(normalizeSourcePath(resolved)) === pathIdentity(normalizeSourcePath(file.path));
  }

  /** What Problems shows from Trace Lens (source and live findings), the file linted afresh first. */
  async lintFindings(file: WorkspaceFile | undefined): Promise<LintFindingRef[]> {
    let entries: Array<[vscode.Uri, readonly vscode.Diagnostic[]]>;
    if (file) {
      const uri = vscode.Uri.file(file.path);
      const document = await vscode.workspace.openTextDocument(uri);
      await this.deps.lint.lintText(uri, document.getText(), document);
      entries = [[uri, vscode.languages.getDiagnostics(uri)]];
    } else {
      entries = vscode.languages.getDiagnostics();
    }
    const out: LintFindingRef[] = [];
    for (const [uri, diagnostics] of entries) {
      if (uri.scheme !== 'file') continue;
      const label = vscode.workspace.asRelativePath(uri, false);
      for (const d of diagnostics) {
        if (d.source !== DIAGNOSTIC_SOURCE) continue;
        const code = typeof d.code === 'object' ? String(d.code.value) : String(d.code ?? '');
        out.push({ file: label, line: d.range.start.line + 1, ruleId: code, severity: severityName(d.severity), message: d.message });
      }
    }
    return out;
  }
}

function severityName(s: vscode.DiagnosticSeverity): string {
  return ['error', 'warning', 'info', 'hint'][s] ?? 'info';
}
