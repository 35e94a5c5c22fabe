/**
 * One WebviewPanel, and one worker thread, per trace. The panel opens at once (the webview and
 * the worker boot while the trace is fetched), the worker parses and lays the trace out, and
 * after the webview says `ready` the worker posts the columns as typed arrays through the host.
 * The panel does not retain its context when hidden: on return the webview says `ready` again
 * and gets the columns again (a few ms). Nothing of the trace is parsed or kept on the host.
 */
import * as vscode from 'vscode';
import type { TraceResponse } from '../../core/backends/traceResponse';
import { shortTraceId } from '../../core/model/ids';
import { describeError } from '../../ui/errorPresenter';
import type { Trace } from '../../core/model/trace';
import type { SourceLocation } from '../../core/waterfall/spanDetail';
import type { WaterfallSummary } from '../../core/waterfall/columnLayout';
import { isWebviewMessage, type HostMessage, type WaterfallCommand, type WaterfallPanelState } from '../../core/protocol/waterfallProtocol';
import { createNonce, renderWaterfallHtml } from './waterfallHtml';
import { PREVIEW_PREFIX_BYTES } from '../../core/traceFiles/documentPreview';
import { WaterfallWorkerClient } from './workerClient';
import type { LoadViewOptions, TraceChoice, WorkerLoaded } from './workerProtocol';

/** Placeholder until a document is parsed; replaced by the real id (and re-keyed) after layout. */
const UNKNOWN_TRACE_ID = '0'.repeat(32);

export interface WaterfallLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, err?: unknown): void;
}

export interface WaterfallPanelDeps {
  extensionUri: vscode.Uri;
  log?: WaterfallLog;
  /** A span's `code.*` location or a stack frame was clicked. */
  onOpenSource(location: SourceLocation, traceId: string): void | Promise<void>;
  /** A span link was clicked. */
  onOpenTrace(traceId: string, spanId?: string): void | Promise<void>;
  /** The toolbar's Compare was clicked: compare this panel's trace (trace id + source) with another. */
  onCompare?(state: WaterfallPanelState): void | Promise<void>;
  /** A trace finished loading in a panel (opened, or restored after a reload). */
  onLoaded?(state: WaterfallPanelState, summary: WaterfallSummary): void | Promise<void>;
}

/** What a restore hands back: the trace itself, a backend's answer, or the document it is in. */
export type RestoredTrace = Trace | { response: TraceResponse } | { bytes: Uint8Array; fileName: string };

/** How a document's bytes are read: whole, and where the source allows it, its start alone first. */
export interface DocumentReader {
  readAll(): Promise<Uint8Array>;
  readStart?(bytes: number): Promise<Uint8Array>;
}

/** Asks the user which trace of a document to show; undefined = none (the panel closes). */
export type ChooseTrace = (choices: TraceChoice[]) => Promise<string | undefined>;

function isPanelState(v: unknown): v is WaterfallPanelState {
  const s = v as WaterfallPanelState | null;
  return typeof s === 'object' && s !== null && typeof s.traceId === 'string' && /^[0-9a-f]{32}$/.test(s.traceId) && typeof s.source === 'string' && s.source.length <= 2000;
}

const panelKey = (source: string, traceId: string) => `${source}\u0000${traceId}`;

export class WaterfallPanel implements vscode.Disposable {
  static readonly viewType = 'traceLens.waterfall';
  private static readonly open = new Map<string, WaterfallPanel>();

  private ready = false;
  private pendingStatus: HostMessage | undefined;
  private disposed = false;
  private readonly worker: WaterfallWorkerClient;
  private loaded: WorkerLoaded | undefined;
  private preview: HostMessage | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  /**
   * Opens (or reveals) the panel of a trace before its data is there; then call `setTrace`,
   * `showResponse` or `loadDocument`, or `setError`. `source` says where it came from (backend
   * or file) for restore.
   */
  static openLoading(traceId: string, source: string, deps: WaterfallPanelDeps, title?: string): WaterfallPanel {
    const existing = WaterfallPanel.open.get(panelKey(source, traceId));
    if (existing) { existing.panel.reveal(); return existing; }
    const panel = vscode.window.createWebviewPanel(WaterfallPanel.viewType, title ?? `Trace ${shortTraceId(traceId)}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: WaterfallPanel.resourceRoots(deps.extensionUri),
    });
    return new WaterfallPanel(panel, { traceId, source }, deps);
  }

  /** The open panel of a document (a file) that holds one trace, if any: opening it again focuses it. */
  static findDocument(source: string): WaterfallPanel | undefined {
    for (const panel of WaterfallPanel.open.values()) {
      if (panel.state.source === source && panel.loaded && panel.loaded.otherTraceIds.length === 0) return panel;
    }
    return undefined;
  }

  /**
   * Opens a document whose trace id is not known yet (a trace file): `source` identifies it
   * (e.g. the file's URI, used again by the serializer's restore). The panel opens before
   * `read` runs, so the webview boots while the bytes are read. Opening the same single-trace
   * document again focuses its panel. Resolves with the panel, or undefined when the user chose
   * no trace of a document that holds several.
   */
  static async openDocument(read: DocumentReader, fileName: string, source: string, deps: WaterfallPanelDeps, choose: ChooseTrace, view: LoadViewOptions & { traceId?: string } = {}): Promise<WaterfallPanel | undefined> {
    // Loaded (one trace), or still loading: either way that panel is the one for this document.
    const existing = (view.traceId !== undefined ? WaterfallPanel.open.get(panelKey(source, view.traceId)) : undefined)
      ?? WaterfallPanel.findDocument(source) ?? WaterfallPanel.open.get(panelKey(source, UNKNOWN_TRACE_ID));
    if (existing) { existing.panel.reveal(); return existing; }
    const panel = WaterfallPanel.openLoading(UNKNOWN_TRACE_ID, source, deps, fileName.slice(0, 60));
    panel.setStatus({ type: 'loading', message: `Reading ${fileName}…` });
    let bytes: Uint8Array;
    try {
      // A big file's first bytes come first: the worker shows their spans while the rest is read.
      const start = await read.readStart?.(PREVIEW_PREFIX_BYTES).catch(() => undefined);
      if (start && start.byteLength === PREVIEW_PREFIX_BYTES) panel.worker.previewDocument(start, fileName, view.traceId);
      bytes = await read.readAll();
    } catch (err) {
      panel.dispose();
      throw err;
    }
    return (await panel.loadDocument(bytes, fileName, { ...view, choose })) ? panel : undefined;
  }

  /**
   * Restores panels after a window reload. `restore` refetches the trace from the state
   * (trace id + source): a Trace, a backend's answer, or the document's bytes; returning
   * undefined shows a message in the panel instead.
   */
  static registerSerializer(deps: WaterfallPanelDeps, restore: (state: WaterfallPanelState) => Promise<RestoredTrace | undefined>): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(WaterfallPanel.viewType, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        if (!isPanelState(state)) { panel.dispose(); return; }
        panel.webview.options = { enableScripts: true, localResourceRoots: WaterfallPanel.resourceRoots(deps.extensionUri) };
        const view = new WaterfallPanel(panel, state, deps);
        try {
          const restored = await restore(state);
          if (!restored) view.setError(`Trace ${state.traceId} could not be loaded again from ${state.source}.`);
          else if ('spans' in restored) await view.setTrace(restored);
          else if ('response' in restored) await view.showResponse(restored.response);
          else await view.loadDocument(restored.bytes, restored.fileName, { traceId: state.traceId });
        } catch (err) {
          deps.log?.error('Restoring a waterfall failed', err);
          view.setError(`Trace ${state.traceId} could not be loaded again: ${err instanceof Error ? err.message : String(err)}`);
        }
      },
    });
  }

  private static resourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
    return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
  }

  private constructor(readonly panel: vscode.WebviewPanel, private state: WaterfallPanelState, private readonly deps: WaterfallPanelDeps) {
    WaterfallPanel.open.set(panelKey(state.source, state.traceId), this);
    // Started with the panel, so the worker boots while the trace is fetched or read.
    this.worker = new WaterfallWorkerClient(vscode.Uri.joinPath(deps.extensionUri, 'dist', 'waterfallWorker.js').fsPath, {
      post: (message) => {
        // Rows of the spans known so far arrive before the trace is loaded: kept (they are small)
        // for a webview that is not ready yet, which would otherwise wait for the whole parse.
        if (message.type === 'trace' && !this.loaded) this.preview = message;
        if (this.ready) void this.post(message);
      },
      command: (command) => this.onCommand(command),
      crashed: (message) => { deps.log?.error(`Waterfall worker: ${message}`); this.setError(`The waterfall stopped: ${message}`); },
    });
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'waterfall-icon.svg');
    panel.webview.html = this.html();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((msg: unknown) => {
        // `ready` is answered here: the worker may be busy parsing for seconds, and the rows of
        // the spans read so far must not wait for it. Compare needs nothing of the trace. The
        // worker validates everything else and hands the commands among it back to onCommand.
        if (isWebviewMessage(msg) && (msg.type === 'ready' || msg.type === 'compare')) this.onCommand(msg);
        else this.worker.fromWebview(msg);
      }),
      panel.onDidDispose(() => this.dispose()),
      // The webview reloads when shown again (no retained context): it will say ready again.
      panel.onDidChangeViewState(() => { if (!panel.visible) this.ready = false; }),
    );
  }

  /** Every command of the webview's, validated, is acted on here. */
  private onCommand(command: WaterfallCommand): void {
    const { deps } = this;
    const act = (what: string, done: void | Promise<void>) => void Promise.resolve(done).catch((err) => deps.log?.error(`${what} failed`, err));
    switch (command.type) {
      case 'ready': this.onReady(); break;
      case 'openSource': act('Opening source', deps.onOpenSource(command.location, this.state.traceId)); break;
      case 'openTrace': act('Opening a linked trace', deps.onOpenTrace(command.traceId, command.spanId)); break;
      case 'copy': void vscode.env.clipboard.writeText(command.text); break;
      case 'compare': act('Comparing traces', deps.onCompare?.(this.state)); break;
    }
  }

  /** Shows a trace already in memory (the built-in receiver's); its spans are copied to the worker in slices. */
  async setTrace(trace: Trace, options: LoadViewOptions = {}): Promise<void> {
    await this.run(`Laying out ${trace.spans.length.toLocaleString('en-US')} spans…`, () => this.worker.loadTrace(trace, options), 'copied');
  }

  /** A sink for fetchTrace: the answer's bytes go to this panel's worker as they arrive. */
  responseSink(): (chunk: Uint8Array) => void {
    return this.worker.beginResponse(this.state.traceId);
  }

  /** Shows the trace in a backend's answer, parsed in the worker exactly as the backend client would. */
  async showResponse(response: TraceResponse, options: LoadViewOptions = {}): Promise<void> {
    await this.run('Reading the trace…', () => this.worker.loadResponse(response, options), 'parsed');
  }

  /**
   * Shows a trace from the document as read (OTLP JSON or lines, Jaeger, Tempo, Zipkin;
   * detected). A document of several traces asks `options.choose` which one (or shows
   * `options.traceId`). Resolves false when no trace was chosen (the panel is closed);
   * rejects with the parse error (also shown in the panel).
   */
  async loadDocument(bytes: Uint8Array, fileName: string, options: LoadViewOptions & { traceId?: string; choose?: ChooseTrace } = {}): Promise<boolean> {
    const { choose, ...view } = options;
    const mb = bytes.byteLength / 1024 / 1024;
    let chosen = true;
    await this.run(`Reading ${mb >= 1 ? `${mb.toFixed(0)} MB of ` : ''}${fileName}…`, async () => {
      const result = await this.worker.loadDocument(bytes, fileName, view);
      if (result.type === 'loaded') return result;
      const traceId = choose ? await choose(result.choices) : result.choices[0]?.traceId;
      if (traceId === undefined) { chosen = false; return undefined; }
      const other = WaterfallPanel.open.get(panelKey(this.state.source, traceId));
      if (other && other !== this) { other.panel.reveal(); chosen = false; return undefined; }
      return this.worker.show(traceId, view);
    }, 'parsed');
    if (!chosen) this.dispose();
    return chosen;
  }

  private async run(status: string, load: () => Promise<WorkerLoaded | undefined>, verb: 'parsed' | 'copied'): Promise<void> {
    this.setStatus({ type: 'loading', message: status });
    let loaded: WorkerLoaded | undefined;
    try {
      loaded = await load();
    } catch (err) {
      if (!this.disposed) this.setError(describeError(err));
      throw err;
    }
    if (!loaded || this.disposed) return;
    const s = loaded.summary;
    this.deps.log?.info(`Waterfall of ${s.traceId}: ${s.spanCount} spans ${verb} in ${loaded.parseMs.toFixed(0)} ms and laid out in ${loaded.layoutMs.toFixed(0)} ms (worker heap ${(loaded.workerHeapBytes / 1024 / 1024).toFixed(0)} MB)`);
    this.panel.title = `${s.rootName.slice(0, 40)} · ${shortTraceId(s.traceId)}`;
    this.adoptTraceId(s.traceId);
    void Promise.resolve(this.deps.onLoaded?.(this.state, s)).catch((err) => this.deps.log?.error('Recording the opened trace failed', err));
    this.loaded = loaded;
    this.preview = undefined;
    this.pendingStatus = undefined;
    if (this.ready) this.worker.requestTrace();
  }

  /** Re-keys the panel once the trace id is known, and tells the webview what to persist. */
  private adoptTraceId(traceId: string): void {
    if (traceId === this.state.traceId || !/^[0-9a-f]{32}$/.test(traceId)) return;
    WaterfallPanel.open.delete(panelKey(this.state.source, this.state.traceId));
    this.state = { traceId, source: this.state.source };
    WaterfallPanel.open.set(panelKey(this.state.source, traceId), this);
    if (this.ready) void this.post({ type: 'panelState', state: this.state });
  }

  setError(message: string): void {
    this.setStatus({ type: 'error', message });
  }

  private setStatus(msg: HostMessage): void {
    this.pendingStatus = msg;
    if (this.ready) void this.post(msg);
  }

  private onReady(): void {
    this.ready = true;
    // VS Code hands the serializer whatever the webview last stored with setState: give the
    // webview the trace id and source to store.
    void this.post({ type: 'panelState', state: { traceId: this.state.traceId, source: this.state.source } });
    if (this.loaded) this.worker.requestTrace();
    else if (this.preview) void this.post(this.preview);
    else if (this.pendingStatus) void this.post(this.pendingStatus);
  }

  private async post(msg: HostMessage): Promise<void> {
    if (this.disposed) return;
    try {
      await this.panel.webview.postMessage(msg);
    } catch (err) {
      this.deps.log?.error('Posting to the waterfall webview failed', err);
    }
  }

  private html(): string {
    const webview = this.panel.webview;
    const asset = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.deps.extensionUri, ...p)).toString();
    return renderWaterfallHtml({
      cspSource: webview.cspSource,
      nonce: createNonce(),
      scriptUri: asset('dist', 'webview', 'waterfall.js'),
      styleUris: [asset('media', 'waterfall.css'), asset('media', 'flame.css')],
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    WaterfallPanel.open.delete(panelKey(this.state.source, this.state.traceId));
    for (const d of this.disposables.splice(0)) d.dispose();
    void this.worker.dispose();
    this.panel.dispose();
  }
}
