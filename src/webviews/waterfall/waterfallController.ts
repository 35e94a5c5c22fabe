import * as vscode from 'vscode';
import { shortTraceId } from '../../core/model/ids';
import type { TraceReference } from '../../core/model/traceIdInput';
import type { BackendController } from '../../backends/backendController';
import { describeError, showError } from '../../ui/errorPresenter';
import { withCancellableProgress } from '../../ui/progress';
import type { SourceMapping } from '../../source/sourceMapping';
import type { WaterfallPanelState } from '../../core/protocol/waterfallProtocol';
import { WaterfallPanel, type DocumentReader, type RestoredTrace, type WaterfallPanelDeps } from './waterfallPanel';
import { readFileStart } from '../../core/files/readFileStart';
import type { LoadViewOptions, TraceChoice } from './workerProtocol';
import { FILE_SOURCE_PREFIX, planRestore, type OpenedTraceFiles } from '../../core/traceFiles/openedTraceFiles';
import { formatDuration } from '../../core/stats/statsFormat';
import type { RecentTraces } from '../../backends/recentTracesStore';
import { COMMANDS } from '../../core/commands/commandIds';
import { countOf } from '../../core/text/plural';
import { FetchProgress } from '../../core/views/fetchProgress';

/** Trace files above this size are refused before reading; the waterfall's windowed mode starts lower. */
const MAX_TRACE_FILE_BYTES = 1024 * 1024 * 1024;

/**
 * Opens traces in the waterfall: by id from the configured backend, or from a file; restores panels
 * after a reload by fetching again; sends "go to source" through the source mapping.
 */
export class WaterfallController implements vscode.Disposable {
  private readonly deps: WaterfallPanelDeps;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    extensionUri: vscode.Uri,
    private readonly backends: BackendController,
    private readonly sourceMapping: SourceMapping,
    private readonly log: vscode.LogOutputChannel,
    /** Files the user opened, kept host-side: a restored panel may read only these. */
    private readonly openedFiles: OpenedTraceFiles,
    /** Every trace a panel loads is listed in the Trace Lens view's recent traces. */
    recent: RecentTraces,
  ) {
    this.deps = {
      extensionUri,
      log,
      onOpenSource: async (location) => {
        await this.sourceMapping.openLocation(location);
      },
      onOpenTrace: async (traceId, spanId) => {
        await vscode.commands.executeCommand(COMMANDS.openTraceById, { traceId, spanId });
      },
      onLoaded: (state, summary) => recent.record(state.source, summary),
      // The panel's trace is the baseline; the command asks for the other side.
      onCompare: async (state) => {
        const left = state.source.startsWith(FILE_SOURCE_PREFIX) ? { file: state.source.slice(FILE_SOURCE_PREFIX.length), traceId: state.traceId } : { traceId: state.traceId };
        await vscode.commands.executeCommand(COMMANDS.compareTraces, { left });
      },
    };
    this.disposables.push(WaterfallPanel.registerSerializer(this.deps, (state) => this.restore(state)));
  }

  /**
   * Fetches a trace from the backend with progress and cancel, showing the panel at once. A
   * remote backend's answer goes to the panel's worker as bytes; only the receiver's traces,
   * already in memory, are copied over as spans.
   */
  async openFromBackend(reference: TraceReference): Promise<void> {
    let panel: WaterfallPanel | undefined;
    try {
      const backend = this.backends.current();
      panel = WaterfallPanel.openLoading(reference.traceId, this.backendSource(), this.deps);
      const what = `Fetching trace ${shortTraceId(reference.traceId)} from ${this.backends.describe()}…`;
      const view = { selectSpanId: reference.spanId };
      if (backend.fetchTrace) {
        const fetchTrace = backend.fetchTrace.bind(backend);
        const sink = panel.responseSink();
        const arrived = new FetchProgress();
        // Whether a slow open is the backend's work before it answers or the bytes on the way.
        const askedAt = performance.now();
        let answeredAt: number | undefined;
        const response = await withCancellableProgress(what, (signal, progress) => fetchTrace(reference.traceId, {
          signal,
          sink: (chunk) => {
            sink(chunk);
            const message = arrived.add(chunk.byteLength, performance.now());
            if (message) progress.report({ message });
          },
          onAnswer: () => {
            answeredAt ??= performance.now();
            progress.report({ message: arrived.answered() });
          },
        }));
        if (!response) { panel.dispose(); return; }
        const ms = (at: number) => `${Math.round(at - askedAt)} ms`;
        this.log.info(`Fetched trace ${reference.traceId}: ${arrived.bytes} bytes from ${response.url} in ${ms(performance.now())}${answeredAt === undefined ? '' : ` (it began to answer after ${ms(answeredAt)})`}`);
        await panel.showResponse(response, view);
        return;
      }
      const trace = await withCancellableProgress(what, (signal) => backend.getTrace(reference.traceId, { signal }));
      if (!trace) { panel.dispose(); return; }
      this.log.info(`Opened trace ${reference.traceId}: ${trace.spans.length} spans${trace.partial ? ' (partial)' : ''}`);
      for (const warning of trace.warnings.slice(0, 20)) this.log.warn(`Trace ${reference.traceId}: ${warning}`);
      await panel.setTrace(trace, view);
    } catch (err) {
      panel?.setError(describeError(err));
      showError(err, this.log, `Opening trace ${reference.traceId}`);
    }
  }

  /**
   * Opens a saved trace file: read here, parsed and laid out in the panel's worker whatever its size.
   * `view.traceId` shows that trace of a document of several without asking (a comparison knows it).
   */
  async openFile(uri: vscode.Uri, view: LoadViewOptions & { traceId?: string } = {}): Promise<void> {
    const name = uri.path.split('/').pop() ?? uri.toString();
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > MAX_TRACE_FILE_BYTES) {
        throw new Error(`${name} is ${(stat.size / 1024 / 1024).toFixed(0)} MB; Trace Lens opens trace files up to ${MAX_TRACE_FILE_BYTES / 1024 / 1024} MB.`);
      }
      const source = FILE_SOURCE_PREFIX + uri.toString();
      const open = WaterfallPanel.findDocument(source);
      if (open) { open.panel.reveal(); return; }
      await this.openedFiles.record(uri.toString());
      let size = 0;
      const read: DocumentReader = {
        readAll: async () => { const bytes = await vscode.workspace.fs.readFile(uri); size = bytes.byteLength; return bytes; },
        // Local files only: a remote file system is read whole, through VS Code.
        readStart: uri.scheme === 'file' ? (bytes) => readFileStart(uri.fsPath, bytes) : undefined,
      };
      const panel = await WaterfallPanel.openDocument(read, name, source, this.deps, async (choices) => {
        const picked = await vscode.window.showQuickPick(choices.map(describeTraceForPick), {
          title: `${name} holds ${choices.length} traces: open which?`,
          matchOnDetail: true,
        });
        return picked?.traceId;
      }, view);
      if (panel) this.log.info(`Opened ${name} (${size} bytes)`);
    } catch (err) {
      showError(err, this.log, `Opening ${name}`);
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  /** Where backend traces come from, so a restored panel knows whether the same backend still serves it. */
  private backendSource(): string {
    return `backend:${this.backends.type}`;
  }

  /** Webview state is untrusted: a file is read again only if the host recorded the user opening it. */
  private async restore(state: WaterfallPanelState): Promise<RestoredTrace | undefined> {
    const plan = planRestore(state.source, this.openedFiles, this.backendSource());
    if (plan.kind === 'refused') throw plan.error; // shown in the panel and logged by the serializer
    if (plan.kind === 'file') {
      const uri = vscode.Uri.parse(plan.uri, true);
      const bytes = await vscode.workspace.fs.readFile(uri);
      return { bytes, fileName: uri.path.split('/').pop() ?? 'trace' };
    }
    if (plan.kind === 'stale') return undefined; // the backend changed since
    // The receiver may still be starting (and restoring its saved spans) while panels are restored.
    await this.backends.ready;
    const backend = this.backends.current();
    if (backend.fetchTrace) return { response: await backend.fetchTrace(state.traceId) };
    return backend.getTrace(state.traceId);
  }
}

export function describeTraceForPick(choice: TraceChoice): vscode.QuickPickItem & { traceId: string } {
  const errors = choice.errorCount;
  return {
    traceId: choice.traceId,
    label: `${errors ? '$(error) ' : ''}${choice.rootService ? `${choice.rootService}: ` : ''}${choice.rootName}`,
    description: `${countOf(choice.spanCount, 'span')} · ${formatDuration(choice.durationNs)}${errors ? ` · ${countOf(errors, 'error')}` : ''}`,
    detail: choice.traceId,
  };
}
