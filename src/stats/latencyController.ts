import * as path from 'node:path';
import * as vscode from 'vscode';
import { DocumentInputsCache } from '../codelens/documentInputs';
import { LatencyCodeLensProvider } from '../codelens/latencyCodeLensProvider';
import { registerCommand } from '../ui/commandRegistry';
import { EXPLAIN_SCHEME, ExplainDocumentProvider, explainSourceMapping } from '../commands/explainSourceMapping';
import { withCancellableProgress } from '../ui/progress';
import { showFunctionTraces } from '../commands/showFunctionTraces';
import { showError } from '../ui/errorPresenter';
import { sharedTreeCache } from '../core/lint/treeCache';
import { LatencyHoverProvider } from '../hovers/latencyHoverProvider';
import { InsightDiagnostics } from '../insights/insightDiagnostics';
import { showInsights } from '../insights/showInsights';
import { WorkerOutlineParser } from '../source/outlineClient';
import { StatsController, type LatencyDependencies, type StatsSummary } from './statsController';
import { readLatencySettings } from './statsSettings';
import type { FunctionLensInputs } from '../core/assistant/assistantRuntime';
import { COMMANDS } from '../core/commands/commandIds';

const SELECTOR: vscode.DocumentSelector = { scheme: 'file' };

/** Registers latency above functions: statistics, CodeLens, hover and their commands. */
export function registerLatency(context: vscode.ExtensionContext, deps: LatencyDependencies): LatencyController {
  const controller = new LatencyController(deps, path.join(context.extensionPath, 'dist', 'outlineWorker.js'));
  context.subscriptions.push(controller);
  return controller;
}

/**
 * Owns the latency features' registrations. The CodeLens and hover providers are registered only
 * while their setting is on, so toggling applies at once (VS Code re-asks when a provider comes or goes).
 */
export class LatencyController implements vscode.Disposable {
  readonly stats: StatsController;
  private readonly inputs: DocumentInputsCache;
  private readonly outlines: WorkerOutlineParser;
  private readonly lensProvider: LatencyCodeLensProvider;
  private readonly hoverProvider: LatencyHoverProvider;
  readonly insightDiagnostics: InsightDiagnostics;
  private readonly explainProvider = new ExplainDocumentProvider();
  private lensRegistration: vscode.Disposable | undefined;
  private hoverRegistration: vscode.Disposable | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly deps: LatencyDependencies,
    outlineWorkerPath: string,
  ) {
    // One outline worker for the open documents' lenses and the workspace search for qualified names.
    this.outlines = new WorkerOutlineParser(outlineWorkerPath, sharedTreeCache, (reason) => deps.log.warn(`Function outlines are parsed on the extension host's thread: ${reason}`));
    this.stats = new StatsController(deps, this.outlines);
    this.inputs = new DocumentInputsCache(this.stats, this.outlines);
    this.lensProvider = new LatencyCodeLensProvider(this.stats, this.inputs);
    this.hoverProvider = new LatencyHoverProvider(this.stats, this.inputs);
    // Performance insights come from the same pass as the statistics and land where their lenses do.
    this.insightDiagnostics = new InsightDiagnostics(this.stats, this.inputs);
    const explainDeps = { stats: this.stats, inputs: this.inputs, backends: deps.backends, receiver: deps.receiver, sourceMapping: deps.sourceMapping };
    this.disposables.push(
      this.outlines,
      this.stats,
      this.inputs,
      this.lensProvider,
      this.insightDiagnostics,
      this.explainProvider,
      this.stats.onDidChange(() => this.lensProvider.refresh()),
      this.inputs.onDidChange(() => this.lensProvider.refresh()),
      vscode.workspace.registerTextDocumentContentProvider(EXPLAIN_SCHEME, this.explainProvider),
      registerCommand(COMMANDS.refresh, () => this.refreshCommand(), deps.log),
      registerCommand(COMMANDS.showFunctionTraces, (args) => showFunctionTraces(this.stats, deps.backends, deps.log, args), deps.log),
      registerCommand(COMMANDS.showInsights, () => showInsights(this.stats, deps.sourceMapping), deps.log),
      registerCommand(COMMANDS.explainSourceMapping, async () => {
        try {
          return await explainSourceMapping(explainDeps, this.explainProvider);
        } catch (err) {
          showError(err, deps.log, 'Explain Source Mapping');
          return undefined;
        }
      }, deps.log),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('traceLens.codeLens.enabled') || e.affectsConfiguration('traceLens.hover.enabled')) this.applyRegistrations();
      }),
    );
    this.applyRegistrations();
  }

  /**
   * What the lenses of `document` are computed from, once its functions are known (the assistant
   * tools ask for one function's figures); a sentence saying why when there are no statistics yet.
   */
  async lensInputs(document: vscode.TextDocument): Promise<FunctionLensInputs | string> {
    const index = this.stats.lensIndex;
    const summary = this.stats.summary();
    if (!index || summary.locations === 0) {
      return `Trace Lens has no latency statistics for the last window yet (source: ${summary.origin || this.deps.backends.describe()}${summary.lastError ? `; last refresh failed: ${summary.lastError}` : ''}).`;
    }
    const { symbols, sites } = await this.inputs.getSettled(document);
    return { index, symbols, sites, lookbackMs: summary.lookbackMs };
  }

  dispose(): void {
    this.lensRegistration?.dispose();
    this.hoverRegistration?.dispose();
    for (const d of this.disposables) d.dispose();
  }

  private applyRegistrations(): void {
    const settings = readLatencySettings();
    if (settings.codeLensEnabled && !this.lensRegistration) {
      this.lensRegistration = vscode.languages.registerCodeLensProvider(SELECTOR, this.lensProvider);
    } else if (!settings.codeLensEnabled && this.lensRegistration) {
      this.lensRegistration.dispose();
      this.lensRegistration = undefined;
    }
    if (settings.hoverEnabled && !this.hoverRegistration) {
      this.hoverRegistration = vscode.languages.registerHoverProvider(SELECTOR, this.hoverProvider);
    } else if (!settings.hoverEnabled && this.hoverRegistration) {
      this.hoverRegistration.dispose();
      this.hoverRegistration = undefined;
    }
  }

  /** `traceLens.refresh`: refetches under a progress notification; says how many locations have statistics. */
  private async refreshCommand(): Promise<StatsSummary | undefined> {
    let summary: StatsSummary | undefined;
    try {
      summary = await withCancellableProgress('Trace Lens: refreshing latency statistics', (signal) => this.stats.refresh(signal));
    } catch (err) {
      showError(err, this.deps.log, 'Refreshing latency statistics');
      return undefined;
    }
    if (!summary) return undefined; // cancelled
    const text = `Trace Lens: latency statistics for ${summary.locations} location(s)${summary.unresolved > 0 ? `, ${summary.unresolved} outside the workspace` : ''}`;
    this.deps.log.info(text);
    vscode.window.setStatusBarMessage(text, 5_000);
    if (summary.locations === 0 || summary.unresolved === summary.locations) {
      // The empty state users hit most: point at the explanation instead of leaving them guessing.
      void vscode.window
        .showInformationMessage(summary.locations === 0 ? 'Trace Lens has no latency statistics for the last window yet.' : 'None of the traced locations maps to a workspace file.', 'Explain Source Mapping')
        .then((choice) => {
          if (choice) void vscode.commands.executeCommand(COMMANDS.explainSourceMapping);
        });
    }
    return summary;
  }
}
