import * as vscode from 'vscode';
import type { BackendController } from '../../backends/backendController';
import { traceSummaryText } from '../../core/search/traceSummaryText';
import { serviceMapSteps } from '../../core/serviceMap/serviceMap';
import { sampleServiceMapTraces, serviceMapSampleSource } from '../../core/serviceMap/serviceMapSample';
import type { Trace } from '../../core/model/trace';
import type { TimeRange } from '../../core/model/timeRange';
import type { TraceBackend } from '../../core/backends/traceBackend';
import { lookbackRange } from '../../config/settings';
import { withCancellableProgress } from '../../ui/progress';
import type { ServiceMap } from '../../core/serviceMap/serviceMapTypes';
import { formatDuration } from '../../core/stats/statsFormat';
import { runSliced } from '../../core/timeSlicing';
import { describeError, showError } from '../../ui/errorPresenter';
import { MessagePanel } from '../shared/messagePanel';
import { isServiceMapWebviewMessage, type ServiceMapHostMessage, type ServiceMapWebviewMessage } from '../../core/protocol/serviceMapProtocol';
import { COMMANDS } from '../../core/commands/commandIds';
import { countOf } from '../../core/text/plural';

/** Every span the store holds, whatever its timestamps (a replayed file can be years old). */
const ALL_TIME = { startMs: 0, endMs: Number.MAX_SAFE_INTEGER };
const SERVICE_TRACES = 50;

/**
 * `traceLens.showServiceMap`: the services of the traces the built-in receiver holds and the calls
 * between them, built time-sliced on the host (the spans are already in memory, nothing is parsed),
 * laid out and drawn by the webview in one panel, rebuilt each time the command runs. With a remote
 * backend (Jaeger, Zipkin, Tempo) the traces come from a bounded search of the lookback
 * (serviceMapSample.ts) under a cancellable progress notification, and the map says it is a sample. A node searches that
 * service's traces; an edge lists its slowest calls; both open in the waterfall.
 */
export class ServiceMapController implements vscode.Disposable {
  private panel: MessagePanel<ServiceMapWebviewMessage, ServiceMapHostMessage> | undefined;
  private map: ServiceMap | undefined;
  /** The window a remote map was searched over: a node's traces are searched in it too. */
  private range: TimeRange | undefined;

  constructor(private readonly extensionUri: vscode.Uri, private readonly backends: BackendController, private readonly log: vscode.LogOutputChannel) {}

  async show(): Promise<void> {
    let backend: TraceBackend | undefined;
    try {
      backend = this.backends.type === 'local' ? undefined : this.backends.current();
    } catch (err) {
      showError(err, this.log, 'Drawing the service map');
      return;
    }
    const panel = this.panel ?? this.openPanel();
    panel.panel.reveal();
    try {
      let traces: Iterable<Trace>;
      let source = this.backends.describe();
      if (!backend) {
        await this.backends.ready;
        const store = this.backends.receiver.spanStore;
        traces = (function* () {
          for (const id of store.traceIds()) {
            const trace = store.peekTrace(id);
            if (trace) yield trace;
          }
        })();
        this.range = undefined;
      } else {
        panel.show({ type: 'loading', message: `Searching ${source} for the traces of every service…` });
        const range = lookbackRange();
        const sample = await withCancellableProgress(`Searching ${source} for the service map…`, (signal) => sampleServiceMapTraces(backend, range, signal, { skipped: (message, err) => this.log.debug(`${message}: ${describeError(err)}`) }));
        if (panel.isDisposed) return;
        if (!sample) {
          panel.show({ type: 'loading', message: 'The search was cancelled: run "Trace Lens: Show Service Map" again to draw the map.' });
          return;
        }
        this.log.info(`Service map sample: ${sample.traces.length} traces of ${sample.services} services in ${sample.requests} requests (${sample.failed} searches failed, ${sample.notFetched} traces not fetched, ${sample.servicesNotSearched} services not searched)`);
        traces = sample.traces;
        source = serviceMapSampleSource(sample, source, range);
        this.range = range;
      }
      const t0 = performance.now();
      const map = await runSliced(serviceMapSteps(traces));
      this.log.info(`Service map of ${map.traceCount} traces: ${map.nodes.length} services, ${map.edges.length} edges in ${(performance.now() - t0).toFixed(0)} ms`);
      if (panel.isDisposed) return;
      this.map = map;
      panel.panel.title = `Service map · ${countOf(map.nodes.length, 'service')}${backend ? ' (sample)' : ''}`;
      panel.show({ type: 'serviceMap', map, source });
    } catch (err) {
      panel.show({ type: 'error', message: err instanceof Error ? err.message : String(err) });
      showError(err, this.log, 'Drawing the service map');
    }
  }

  private openPanel(): MessagePanel<ServiceMapWebviewMessage, ServiceMapHostMessage> {
    const panel = new MessagePanel<ServiceMapWebviewMessage, ServiceMapHostMessage>({
      viewType: 'traceLens.serviceMap', title: 'Service map', extensionUri: this.extensionUri, asset: 'serviceMap',
      log: this.log,
      initial: { type: 'loading', message: 'Reading the received traces…' },
      isMessage: isServiceMapWebviewMessage,
      onMessage: (msg) => (msg.type === 'searchService' ? this.searchService(msg.service) : this.edgeTraces(msg.from, msg.to)),
    });
    panel.onDidClose(() => { if (this.panel === panel) { this.panel = undefined; this.map = undefined; } });
    this.panel = panel;
    return panel;
  }

  /** A node: the service's traces in the receiver, newest first, or in the window the remote map was searched over. */
  private async searchService(service: string): Promise<void> {
    try {
      await this.pickServiceTrace(service);
    } catch (err) {
      showError(err, this.log, "Searching a service's traces");
    }
  }

  private async pickServiceTrace(service: string): Promise<void> {
    const node = this.map?.nodes.find((n) => n.name === service);
    if (!node) return;
    if (node.external) {
      void vscode.window.showInformationMessage(`${service} sends no spans: click an arrow into it for example calls.`);
      return;
    }
    const range = this.range;
    const found = range
      ? await withCancellableProgress(`Searching the traces of ${service}…`, (signal) => this.backends.current().search({ service, range, limit: SERVICE_TRACES }, signal))
      : await this.backends.receiver.spanStore.search({ service, range: ALL_TIME, limit: SERVICE_TRACES });
    if (!found) return;
    const picked = await vscode.window.showQuickPick(found.map((summary) => {
      const text = traceSummaryText(summary);
      return { label: `${text.hasErrors ? '$(error)' : '$(pulse)'} ${text.label}`, description: text.description, detail: text.detail, traceId: summary.traceId };
    }), { title: `Traces of ${service}`, matchOnDescription: true, matchOnDetail: true });
    if (picked) await vscode.commands.executeCommand(COMMANDS.openTraceById, { traceId: picked.traceId });
  }

  /** An edge: its slowest calls, each opened at the called span. */
  private async edgeTraces(from: string, to: string): Promise<void> {
    const edge = this.map?.edges.find((e) => e.from === from && e.to === to);
    if (!edge) return;
    const picked = await vscode.window.showQuickPick(edge.examples.map((e) => ({
      label: `${e.error ? '$(error)' : '$(pulse)'} ${formatDuration(e.durationNs)}`,
      description: `trace ${e.traceId}`,
      traceId: e.traceId,
      spanId: e.spanId,
    })), { title: `Slowest calls from ${from} to ${to} (${countOf(edge.calls, 'call')}, p95 ${formatDuration(edge.p95Ns)})` });
    if (picked) await vscode.commands.executeCommand(COMMANDS.openTraceById, { traceId: picked.traceId, spanId: picked.spanId });
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
