import * as vscode from 'vscode';
import type { BackendController } from '../../backends/backendController';
import { pickLocation } from '../../commands/showFunctionTraces';
import { withCancellableProgress } from '../../commands/progress';
import { functionFlameSteps } from '../../core/flame/functionFlame';
import type { Trace } from '../../core/model/trace';
import { locationLabel } from '../../core/source/codeLocation';
import type { ShowFunctionTracesArgs } from '../../core/stats/hoverMarkdown';
import { runSliced } from '../../core/waterfall/timeSlicing';
import { showError } from '../../errors/errorPresenter';
import type { SourceMapping } from '../../source/sourceMapping';
import type { StatsController } from '../../stats/statsController';
import { MessagePanel } from '../shared/messagePanel';
import { isFunctionFlameWebviewMessage, type FunctionFlameHostMessage, type FunctionFlameWebviewMessage } from './protocol';

/**
 * `traceLens.showFunctionFlameGraph`: where time goes under one function, from its hover (or the
 * palette, which asks which function). With the built-in receiver, every trace it holds is read
 * (already in memory, time-sliced on the host); with a remote backend, the example traces the
 * statistics kept for the function are fetched, and the view says they are a sample.
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
    try {
      await this.backends.ready;
      const local = this.backends.type === 'local';
      const traces = local ? this.receivedTraces() : await this.sampleTraces(args, label);
      if (!traces) return;
      const t0 = performance.now();
      const flame = await runSliced(functionFlameSteps(traces.list, args.locationKey, label));
      this.log.info(`Time under ${label}: ${flame.calls[0]} calls in ${flame.tracesWithCalls} of ${flame.tracesRead} traces, ${flame.labels.length} frames in ${(performance.now() - t0).toFixed(0)} ms`);
      if (panel.isDisposed) return;
      const basis = local
        ? `Every call in the ${flame.tracesRead.toLocaleString('en-US')} traces the built-in receiver holds.`
        : `A sample: the ${flame.tracesRead} example trace(s) the statistics kept for this function from ${this.backends.describe()}, not every call in the window.`;
      panel.show({ type: 'functionFlame', title: label, basis, sample: !local, flame });
    } catch (err) {
      panel.show({ type: 'error', message: err instanceof Error ? err.message : String(err) });
      showError(err, this.log, `Reading the traces of ${label}`);
    }
  }

  private receivedTraces(): { list: Iterable<Trace> } {
    const store = this.backends.receiver.spanStore;
    return {
      list: (function* () {
        for (const id of store.traceIds()) {
          const trace = store.peekTrace(id);
          if (trace) yield trace;
        }
      })(),
    };
  }

  /** The function's example traces (slowest and latest failure), fetched from the backend. */
  private async sampleTraces(args: ShowFunctionTracesArgs, label: string): Promise<{ list: Trace[] } | undefined> {
    const s = this.stats.statsFor(args.locationKey);
    const ids = [...new Set([...args.traceIds, ...(s?.slowest.map((e) => e.traceId) ?? []), ...(s?.latestError ? [s.latestError.traceId] : [])])];
    if (ids.length === 0) {
      this.panel?.show({ type: 'error', message: `No example traces of ${label} in the last statistics window.` });
      return undefined;
    }
    const backend = this.backends.current();
    const list = await withCancellableProgress(`Trace Lens: fetching ${ids.length} trace(s) of ${label}`, async (signal) => {
      const out: Trace[] = [];
      for (const id of ids) {
        if (signal.aborted) break;
        out.push(await backend.getTrace(id, { signal }));
      }
      return out;
    });
    return list ? { list } : undefined;
  }

  private openPanel(): MessagePanel<FunctionFlameWebviewMessage, FunctionFlameHostMessage> {
    const panel = new MessagePanel<FunctionFlameWebviewMessage, FunctionFlameHostMessage>({
      viewType: 'traceLens.functionFlame', title: 'Time under a function', extensionUri: this.extensionUri, asset: 'functionFlame', sharedStyles: ['flame.css'],
      log: { info: (m) => this.log.info(m), warn: (m) => this.log.warn(m), error: (m, err) => this.log.error(m, err) },
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
