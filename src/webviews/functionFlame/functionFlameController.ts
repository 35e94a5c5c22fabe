import * as vscode from 'vscode';
import type { BackendController } from '../../backends/backendController';
import { pickLocation } from '../../stats/pickLocation';
import { withCancellableProgress } from '../../ui/progress';
import { tracesWithCallsSteps } from '../../core/flame/functionFlame';
import { isCancellation } from '../../core/errors';
import type { Trace } from '../../core/model/trace';
import { locationLabel } from '../../core/source/codeLocation';
import type { ShowFunctionTracesArgs } from '../../core/stats/hoverMarkdown';
import { runSliced } from '../../core/timeSlicing';
import { showError } from '../../ui/errorPresenter';
import type { SourceMapping } from '../../source/sourceMapping';
import type { StatsController } from '../../stats/statsController';
import { MessagePanel } from '../shared/messagePanel';
import { FunctionFlameWorkerClient } from './functionFlameWorkerClient';
import { isFunctionFlameWebviewMessage, type FunctionFlameHostMessage, type FunctionFlameWebviewMessage } from '../../core/protocol/functionFlameProtocol';
import { countOf } from '../../core/text/plural';

/**
 * `traceLens.showFunctionFlameGraph`: where time goes under one function, from its hover (or the
 * palette, which asks which function). With the built-in receiver, every trace it holds that has a
 * call (found in a time-sliced pass) is copied to a worker in slices; with a remote backend, the
 * example traces the statistics kept for the function are fetched as bytes for the worker to parse,
 * and the view says they are a sample. The merge runs in the worker, never on the host's thread.
 */
export class FunctionFlameController implements vscode.Disposable {
  private panel: MessagePanel<FunctionFlameWebviewMessage, FunctionFlameHostMessage> | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly backends: BackendController,
    private readonly stats: StatsController,
    private readonly sourceMapping: SourceMapping,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async show(given?: ShowFunctionTracesArgs): Promise<void> {
    const args = given ?? await pickLocation(this.stats);
    if (!args) return;
    const label = locationLabel(this.stats.statsFor(args.locationKey)?.location ?? args.location);
    const panel = this.panel ?? this.openPanel();
    panel.panel.title = `Time under ${label}`;
    panel.show({ type: 'loading', message: `Reading the traces of ${label}…` });
    panel.panel.reveal();
    const worker = new FunctionFlameWorkerClient(vscode.Uri.joinPath(this.extensionUri, 'dist', 'functionFlameWorker.js').fsPath);
    try {
      await this.backends.ready;
      const local = this.backends.type === 'local';
      const t0 = performance.now();
      let tracesRead: number;
      if (local) {
        // Only the traces that hold a call cross to the worker; finding them is a sliced pass here.
        const all = this.receivedTraces();
        tracesRead = all.length;
        for (const trace of await runSliced(tracesWithCallsSteps(all, args.locationKey))) await worker.addTrace(trace);
      } else {
        const fetched = await this.fetchSample(args, label, worker);
        if (fetched === undefined) return;
        tracesRead = fetched;
      }
      const { flame, mergeMs } = await worker.merge(args.locationKey, label);
      if (local) flame.tracesRead = tracesRead;
      this.log.info(`Time under ${label}: ${flame.calls[0]} calls in ${flame.tracesWithCalls} of ${flame.tracesRead} traces, ${flame.labels.length} frames; merged in ${mergeMs.toFixed(0)} ms of ${(performance.now() - t0).toFixed(0)} ms`);
      if (panel.isDisposed) return;
      const basis = local
        ? `Every call in the ${flame.tracesRead.toLocaleString('en-US')} traces the built-in receiver holds.`
        : `A sample: the ${countOf(flame.tracesRead, 'example trace')} the statistics kept for this function from ${this.backends.describe()}, not every call in the window.`;
      panel.show({ type: 'functionFlame', title: label, basis, sample: !local, flame });
    } catch (err) {
      if (isCancellation(err)) return;
      panel.show({ type: 'error', message: err instanceof Error ? err.message : String(err) });
      showError(err, this.log, `Reading the traces of ${label}`);
    } finally {
      void worker.dispose();
    }
  }

  private receivedTraces(): Trace[] {
    const store = this.backends.receiver.spanStore;
    const out: Trace[] = [];
    for (const id of store.traceIds()) {
      const trace = store.peekTrace(id);
      if (trace) out.push(trace);
    }
    return out;
  }

  /**
   * The function's example traces (slowest and latest failure), fetched from the backend as bytes and
   * parsed in the worker. Resolves with how many were fetched, or undefined when there is nothing to read.
   */
  private async fetchSample(args: ShowFunctionTracesArgs, label: string, worker: FunctionFlameWorkerClient): Promise<number | undefined> {
    const s = this.stats.statsFor(args.locationKey);
    const ids = [...new Set([...args.traceIds, ...(s?.slowest.map((e) => e.traceId) ?? []), ...(s?.latestError ? [s.latestError.traceId] : [])])];
    if (ids.length === 0) {
      this.panel?.show({ type: 'error', message: `No example traces of ${label} in the last statistics window.` });
      return undefined;
    }
    const backend = this.backends.current();
    return withCancellableProgress(`Trace Lens: fetching ${countOf(ids.length, 'trace')} of ${label}`, async (signal) => {
      let fetched = 0;
      for (const id of ids) {
        if (backend.fetchTrace) worker.addResponse(await backend.fetchTrace(id, { signal }));
        else await worker.addTrace(await backend.getTrace(id, { signal }));
        fetched++;
      }
      return fetched;
    });
  }

  private openPanel(): MessagePanel<FunctionFlameWebviewMessage, FunctionFlameHostMessage> {
    const panel = new MessagePanel<FunctionFlameWebviewMessage, FunctionFlameHostMessage>({
      viewType: 'traceLens.functionFlame', title: 'Time under a function', extensionUri: this.extensionUri, asset: 'functionFlame', sharedStyles: ['flame.css'],
      log: this.log,
      initial: { type: 'loading', message: 'Reading traces…' },
      isMessage: isFunctionFlameWebviewMessage,
      onMessage: async (msg) => { await this.sourceMapping.openLocation(msg.location); },
    });
    panel.onDidClose(() => { if (this.panel === panel) this.panel = undefined; });
    this.panel = panel;
    return panel;
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
