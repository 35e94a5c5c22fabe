import * as vscode from 'vscode';
import { COMMANDS } from '../core/commands/commandIds';
import type { StatisticsService } from '../stats/statisticsService';
import type { LatencyDependencies, StatsSummary } from '../stats/statsController';
import { readLatencySettings } from '../stats/statsSettings';
import { registerCommand } from '../ui/commandRegistry';
import { showError } from '../ui/errorPresenter';
import { withCancellableProgress } from '../ui/progress';
import { EXPLAIN_SCHEME, ExplainDocumentProvider, explainSourceMapping } from './explainSourceMapping';
import { LatencyCodeLensProvider } from './latencyCodeLensProvider';
import { LatencyHoverProvider } from './latencyHoverProvider';
import { showFunctionTraces } from './showFunctionTraces';

const SELECTOR: vscode.DocumentSelector = { scheme: 'file' };

/** Registers latency above functions: the CodeLens, the hover and their commands, over the shared statistics. */
export function registerLatency(context: vscode.ExtensionContext, statistics: StatisticsService, deps: LatencyDependencies): LatencyFeature {
  const feature = new LatencyFeature(statistics, deps);
  context.subscriptions.push(feature);
  return feature;
}

/**
 * Owns the latency feature's registrations. The CodeLens and hover providers are registered only
 * while their setting is on, so toggling applies at once (VS Code re-asks when a provider comes or goes).
 */
export class LatencyFeature implements vscode.Disposable {
  private readonly lensProvider: LatencyCodeLensProvider;
  private readonly hoverProvider: LatencyHoverProvider;
  private readonly explainProvider = new ExplainDocumentProvider();
  private lensRegistration: vscode.Disposable | undefined;
  private hoverRegistration: vscode.Disposable | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly statistics: StatisticsService,
    private readonly deps: LatencyDependencies,
  ) {
    const { stats, inputs } = statistics;
    this.lensProvider = new LatencyCodeLensProvider(stats, inputs, deps.log);
    this.hoverProvider = new LatencyHoverProvider(stats, inputs);
    const explainDeps = { stats, inputs, backends: deps.backends, receiver: deps.receiver, sourceMapping: deps.sourceMapping };
    this.disposables.push(
      this.lensProvider,
      this.explainProvider,
      stats.onDidChange(() => this.lensProvider.refresh()),
      inputs.onDidChange((uri) => this.lensProvider.symbolsChanged(uri)),
      vscode.workspace.registerTextDocumentContentProvider(EXPLAIN_SCHEME, this.explainProvider),
      registerCommand(COMMANDS.refresh, () => this.refreshCommand(), deps.log),
      registerCommand(COMMANDS.showFunctionTraces, (args) => showFunctionTraces(stats, deps.backends, deps.log, args), deps.log),
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
      summary = await withCancellableProgress('Trace Lens: refreshing latency statistics', (signal) => this.statistics.stats.refresh(signal));
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
