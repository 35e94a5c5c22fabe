import * as vscode from 'vscode';
import type { BackendController } from '../backends/backendController';
import type { SourceFinding } from '../core/lint/findings';
import { languageForPath, languageForVscodeId, type LanguageId } from '../core/lint/languages';
import type { LintOptions } from '../core/lint/sourceLinter';
import { SourceLinter } from '../core/lint/sourceLinter';
import { sharedTreeCache } from '../core/lint/treeCache';
import { registerCommand } from '../ui/commandRegistry';
import { showError } from '../ui/errorPresenter';
import type { ReceiverController } from '../receiver/receiverController';
import { LintCodeActionProvider } from './lintCodeActionProvider';
import { createDiagnostic, LintDiagnosticStore, toRange, type DiagnosticMeta } from './lintDiagnostics';
import { affectsLint, allowKey, readLintSettings, type LintSettings } from '../config/lintSettings';
import { LiveFindingLocator } from './liveFindingLocator';
import type { SourceMapping } from '../source/sourceMapping';
import { LiveLinter, type RemoteLintSummary } from './liveLinter';
import { SpanNameSites } from './spanNameSites';
import { FINDINGS_SCHEME, TelemetryFindingsDocument } from './telemetryFindingsDocument';
import { lintWorkspace, type WorkspaceLintResult } from './workspaceLint';
import { readSourceFile } from '../source/workspaceSourceFiles';
import { COMMANDS } from '../core/commands/commandIds';
import { takeTurn } from '../core/timeSlicing';
import { countOf } from '../core/text/plural';

/** Typing pauses this long before a document is linted again. */
const TYPING_DEBOUNCE_MS = 300;
/** Documents larger than this are generated code; linting them on every keystroke is not worth it. */
const MAX_DOCUMENT_CHARS = 2 * 1024 * 1024;
const LINTED_SCHEMES = new Set(['file', 'untitled']);

export interface LintDependencies {
  log: vscode.LogOutputChannel;
  backends: BackendController;
  receiver: ReceiverController;
  sourceMapping: SourceMapping;
}

export type LintWorkspaceCommandResult = (WorkspaceLintResult & { live?: RemoteLintSummary }) | undefined;

/**
 * The lint language of a document: its language id, or its file extension when no extension
 * contributes the language (a .go file shown as plain text in a VS Code without Go support).
 */
function languageOf(d: vscode.TextDocument): LanguageId | undefined {
  const byId = languageForVscodeId(d.languageId);
  if (byId) return byId;
  return d.languageId === 'plaintext' && d.uri.scheme === 'file' ? languageForPath(d.uri.fsPath) : undefined;
}

/** Registers the lint: diagnostics while typing, quick fixes, the workspace command, live findings. */
export function registerLint(context: vscode.ExtensionContext, deps: LintDependencies): LintController {
  const controller = new LintController(deps);
  context.subscriptions.push(controller);
  return controller;
}

/**
 * Owns everything the lint registers. Source findings come from the tree-sitter engine per document
 * (debounced while typing, the document URI as the engine's cache key so it re-parses
 * incrementally); live findings come from received spans (see LiveLinter). Settings apply at once.
 */
export class LintController implements vscode.Disposable {
  // The shared trees: the lenses' outline of a document the lint just parsed costs a tree copy.
  private readonly linter = new SourceLinter({ trees: sharedTreeCache() });
  private readonly store = new LintDiagnosticStore();
  private readonly spanNames = new SpanNameSites();
  private readonly findingsDocument = new TelemetryFindingsDocument();
  private readonly locator: LiveFindingLocator;
  private readonly live: LiveLinter;
  private settings: LintSettings = readLintSettings();
  /** One object per settings change: the engine caches its key matcher by identity. */
  private options: LintOptions = this.optionsOf(this.settings);
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Files of the last workspace scan: kept in Problems when closed, re-linted when settings change. */
  private readonly scanned = new Set<string>();
  private readonly failedLanguages = new Set<LanguageId>();
  private rescan: AbortController | undefined;
  private readonly log: vscode.LogOutputChannel;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(deps: LintDependencies) {
    this.log = deps.log;
    this.locator = new LiveFindingLocator(this.spanNames, deps.sourceMapping);
    this.live = new LiveLinter(deps.receiver, deps.backends, this.store, this.locator, this.findingsDocument, () => this.settings, deps.log);
    this.disposables.push(
      this.store,
      this.findingsDocument,
      this.live,
      vscode.workspace.registerTextDocumentContentProvider(FINDINGS_SCHEME, this.findingsDocument),
      vscode.languages.registerCodeActionsProvider(
        [{ scheme: 'file' }, { scheme: 'untitled' }, { scheme: FINDINGS_SCHEME }],
        new LintCodeActionProvider(this.store),
        LintCodeActionProvider.metadata,
      ),
      registerCommand(COMMANDS.lintWorkspace, () => this.lintWorkspaceCommand(), deps.log),
      registerCommand(COMMANDS.lintAllowKey, (key) => this.allowKeyCommand(key), deps.log),
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) this.schedule(e.document, TYPING_DEBOUNCE_MS);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.onClose(d)),
      vscode.workspace.onDidDeleteFiles((e) => {
        for (const uri of e.files) this.forgetFile(uri);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affectsLint(e)) this.applySettings();
      }),
    );
    if (this.settings.enabled) {
      for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
      this.live.refresh();
    }
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.rescan?.abort();
    for (const d of this.disposables) d.dispose();
    this.linter.dispose();
  }

  /**
   * Lints one text and publishes its diagnostics. `document` is given for open editors: its version
   * makes the quick fixes valid, its URI is the engine's cache key for incremental re-parsing.
   */
  async lintText(uri: vscode.Uri, text: string, document?: vscode.TextDocument): Promise<SourceFinding[]> {
    const language = document ? languageOf(document) : uri.scheme === 'file' ? languageForPath(uri.fsPath) : undefined;
    if (!language || !this.settings.enabled) return [];
    const version = document?.version;
    const options = this.options;
    let findings: SourceFinding[];
    try {
      findings = await this.linter.lint(text, language, options, document ? uri.toString() : undefined);
    } catch (err) {
      // A missing grammar would fail on every keystroke: say it once per language.
      if (!this.failedLanguages.has(language)) {
        this.failedLanguages.add(language);
        this.log.error(`Lint: cannot lint ${language}: ${err instanceof Error ? err.message : String(err)}`);
      }
      return [];
    }
    // A newer version or a settings change scheduled another lint: this result is stale.
    if (options !== this.options || !this.settings.enabled) return findings;
    if (document && (document.isClosed || document.version !== version)) return findings;
    this.store.setSource(uri, findings.map((f) => ({ diagnostic: this.toDiagnostic(f), meta: this.metaOf(f, version) })));
    this.spanNames.update(uri, text);
    return findings;
  }

  private toDiagnostic(f: SourceFinding): vscode.Diagnostic {
    return createDiagnostic(f.ruleId, f.severity, f.message, toRange(f.range));
  }

  private metaOf(f: SourceFinding, version: number | undefined): DiagnosticMeta {
    const meta: DiagnosticMeta = { ruleId: f.ruleId };
    if (version !== undefined) {
      meta.fixes = f.fixes;
      meta.version = version;
    }
    if (f.ruleId === 'SD001' && f.attributeKey !== undefined) meta.attributeKey = f.attributeKey;
    return meta;
  }

  private isLintable(d: vscode.TextDocument): boolean {
    return LINTED_SCHEMES.has(d.uri.scheme) && languageOf(d) !== undefined;
  }

  private schedule(d: vscode.TextDocument, delayMs: number): void {
    if (!this.settings.enabled || !this.isLintable(d)) return;
    const key = d.uri.toString();
    const pending = this.timers.get(key);
    if (pending) clearTimeout(pending);
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      void this.lintDocument(d);
    }, delayMs));
  }

  private async lintDocument(d: vscode.TextDocument): Promise<void> {
    if (d.isClosed || !this.settings.enabled) return;
    const text = d.getText();
    if (text.length > MAX_DOCUMENT_CHARS) {
      this.store.deleteSource(d.uri);
      return;
    }
    await this.lintText(d.uri, text, d);
  }

  private onClose(d: vscode.TextDocument): void {
    const key = d.uri.toString();
    const pending = this.timers.get(key);
    if (pending) clearTimeout(pending);
    this.timers.delete(key);
    this.linter.forget(key);
    if (this.scanned.has(key) && this.settings.enabled) {
      // Found by the workspace scan: keep it in Problems, as the file on disk now says.
      void this.lintFromDisk(d.uri);
    } else {
      this.store.deleteSource(d.uri);
    }
  }

  private forgetFile(uri: vscode.Uri): void {
    this.scanned.delete(uri.toString());
    this.spanNames.remove(uri);
    this.store.deleteSource(uri);
  }

  private async lintFromDisk(uri: vscode.Uri): Promise<void> {
    const text = await readSourceFile(uri);
    if (text === undefined) this.forgetFile(uri);
    else await this.lintText(uri, text);
  }

  private optionsOf(s: LintSettings): LintOptions {
    return { rules: s.rules, sensitiveKeys: s.sensitiveKeys, allowedKeys: s.allowedKeys };
  }

  private applySettings(): void {
    this.settings = readLintSettings();
    this.options = this.optionsOf(this.settings);
    this.rescan?.abort();
    this.rescan = undefined;
    if (!this.settings.enabled) {
      for (const t of this.timers.values()) clearTimeout(t);
      this.timers.clear();
      this.scanned.clear();
      this.store.clear();
      this.live.clear();
      this.log.info('Lint: disabled (traceLens.lint.enabled is false)');
      return;
    }
    const open = new Set<string>();
    for (const d of vscode.workspace.textDocuments) {
      if (!this.isLintable(d)) continue;
      open.add(d.uri.toString());
      this.schedule(d, 0);
    }
    this.live.refresh();
    const closed = [...this.scanned].filter((k) => !open.has(k));
    if (closed.length > 0) void this.relintClosed(closed);
  }

  /** Brings scanned files that are not open in line with new settings, in the background. */
  private async relintClosed(keys: string[]): Promise<void> {
    const abort = (this.rescan = new AbortController());
    for (const key of keys) {
      if (abort.signal.aborted) return;
      await this.lintFromDisk(vscode.Uri.parse(key));
      await takeTurn();
    }
  }

  private async lintWorkspaceCommand(): Promise<LintWorkspaceCommandResult> {
    if (!this.settings.enabled) {
      void vscode.window.showInformationMessage('Trace Lens lint is turned off ("traceLens.lint.enabled").');
      return undefined;
    }
    if (!vscode.workspace.workspaceFolders?.length) {
      void vscode.window.showInformationMessage('Open a folder to lint its telemetry.');
      return undefined;
    }
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Trace Lens: linting workspace telemetry', cancellable: true },
        async (progress, token) => {
          const abort = new AbortController();
          const sub = token.onCancellationRequested(() => abort.abort());
          try {
            const result = await lintWorkspace({ lintText: (uri, text, document) => this.lintText(uri, text, document), log: this.log }, abort.signal, progress);
            for (const key of result.scanned) this.scanned.add(key);
            let live: RemoteLintSummary | undefined;
            if (!result.cancelled) {
              progress.report({ message: 'checking recent traces…' });
              try {
                live = await this.live.lintRemote(abort.signal);
              } catch (err) {
                if (!abort.signal.aborted) throw err;
              }
            }
            this.report(result, live);
            return { ...result, live };
          } finally {
            sub.dispose();
          }
        },
      );
    } catch (err) {
      showError(err, this.log, 'Lint workspace');
      return undefined;
    }
  }

  private report(result: WorkspaceLintResult, live: RemoteLintSummary | undefined): void {
    const rules = Object.entries(result.byRule).sort((a, b) => b[1] - a[1]).map(([id, n]) => `${id} ×${n}`).join(', ');
    const seconds = (result.ms / 1000).toFixed(1);
    const liveText = live && !live.skipped ? `; ${countOf(live.findings, 'finding')} in ${countOf(live.spans, 'span')} of ${countOf(live.traces, 'recent trace')}` : '';
    this.log.info(
      `Lint: ${result.cancelled ? 'cancelled after' : 'linted'} ${countOf(result.files, 'file')} in ${result.ms} ms: ${countOf(result.findings, 'finding')} in ${countOf(result.filesWithFindings, 'file')}${rules ? ` (${rules})` : ''}${liveText}`,
    );
    const message = result.cancelled
      ? `Trace Lens lint cancelled after ${countOf(result.files, 'file')} (${countOf(result.findings, 'problem')} so far).`
      : result.findings === 0
        ? `Trace Lens: no telemetry problems in ${countOf(result.files, 'file')} (${seconds} s)${liveText}.`
        : `Trace Lens: ${countOf(result.findings, 'telemetry problem')} in ${result.filesWithFindings} of ${countOf(result.files, 'file')}${rules ? ` (${rules})` : ''}, ${seconds} s${liveText}.`;
    void vscode.window.showInformationMessage(message, 'Show Problems').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.actions.view.problems');
    });
  }

  private async allowKeyCommand(key: string): Promise<void> {
    try {
      const target = await allowKey(key);
      this.log.info(`Lint: "${key}" added to traceLens.lint.allowedKeys (${target === vscode.ConfigurationTarget.Workspace ? 'workspace' : 'user'} settings)`);
    } catch (err) {
      showError(err, this.log, `Adding "${key}" to traceLens.lint.allowedKeys`);
    }
  }
}
