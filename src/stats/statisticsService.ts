import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FunctionLensInputs } from '../core/assistant/assistantRuntime';
import { sharedTreeCache } from '../core/lint/treeCache';
import { WorkerOutlineParser } from '../source/outlineClient';
import { DocumentInputsCache } from './documentInputs';
import { StatsController, type LatencyDependencies } from './statsController';

/** Builds the statistics the latency, insights, views and flame graph features read. */
export function registerStatistics(context: vscode.ExtensionContext, deps: LatencyDependencies): StatisticsService {
  const service = new StatisticsService(deps, path.join(context.extensionPath, 'dist', 'outlineWorker.js'));
  context.subscriptions.push(service);
  return service;
}

/**
 * The statistics of the span data per code location, and what each open document's functions are:
 * one of each per window, shared by every feature that shows them (lenses, hovers, insights, views).
 */
export class StatisticsService implements vscode.Disposable {
  readonly stats: StatsController;
  readonly inputs: DocumentInputsCache;
  private readonly outlines: WorkerOutlineParser;

  constructor(private readonly deps: LatencyDependencies, outlineWorkerPath: string) {
    // One outline worker for the open documents' lenses and the workspace search for qualified names.
    this.outlines = new WorkerOutlineParser(outlineWorkerPath, sharedTreeCache, (reason) => deps.log.warn(`Function outlines are parsed on the extension host's thread: ${reason}`));
    this.stats = new StatsController(deps, this.outlines);
    this.inputs = new DocumentInputsCache(this.stats, this.outlines, deps.log);
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
    this.outlines.dispose();
    this.stats.dispose();
    this.inputs.dispose();
  }
}
