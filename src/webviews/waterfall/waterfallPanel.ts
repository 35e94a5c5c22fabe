/**
 * One WebviewPanel per trace. The panel opens at once (the webview boots while the trace is
 * fetched or laid out), the host lays the trace out into columns, and after the webview says
 * `ready` the columns are posted as typed arrays. The panel does not retain its context when
 * hidden: on return the webview says `ready` again and gets the columns again (a few ms).
 */
import * as vscode from 'vscode';
import { shortTraceId } from '../../core/model/ids';
import type { Trace } from '../../core/model/trace';
import type { SourceLocation } from '../../core/waterfall/spanDetail';
import { buildWaterfallAsync, type LayoutOptions } from '../../core/waterfall/layout';
import type { HostMessage, WaterfallPanelState } from './protocol';
import { createNonce, renderWaterfallHtml } from './waterfallHtml';
import { WaterfallSession } from './waterfallSession';
import { loadTraceFile } from '../../core/traceFiles/loadTraceFile';
import { WaterfallWorkerClient } from './workerClient';

/** Documents from this size on are parsed and laid out in a worker (~20k spans of OTLP JSON). */
export const WORKER_THRESHOLD_BYTES = 16 * 1024 * 1024;
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
}

/** What a restore hands back: the trace itself, or the document it is in. */
export type RestoredTrace = Trace | { bytes: Uint8Array; fileName: string };

function isPanelState(v: unknown): v is WaterfallPanelState {
  const s = v as WaterfallPanelState | null;
  return typeof s === 'object' && s !== null && typeof s.traceId === 'string' && /^[0-9a-f]{32}$/.test(s.traceId) && typeof s.source === 'string' && s.source.length <= 2000;
}

export class WaterfallPanel implements vscode.Disposable {
  static readonly viewType = 'traceLens.waterfall';
  private static readonly open = new Map<string, WaterfallPanel>();

  private readonly session: WaterfallSession;
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private pendingStatus: HostMessage | undefined;
  private disposed = false;
  private worker: WaterfallWorkerClient | undefined;
  private workerLoaded = false;

  /**
   * Opens (or reveals) the panel of a trace before its data is there; call `setTrace` when
   * fetched, or `setError`. `source` says where it came from (backend or file) for restore.
   */
  static openLoading(traceId: string, source: string, deps: WaterfallPanelDeps, title?: string): WaterfallPanel {
    const key = `${source}\u0000${traceId}`;
    const existing = WaterfallPanel.open.get(key);
    if (existing) { existing.panel.reveal(); return existing; }
    const panel = vscode.window.createWebviewPanel(WaterfallPanel.viewType, title ?? `Trace ${shortTraceId(traceId)}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: WaterfallPanel.resourceRoots(deps.extensionUri),
    });
    return new WaterfallPanel(panel, { traceId, source }, deps);
  }

  /**
   * Opens a document whose trace id is not known yet (a trace file): `source` identifies it
   * (e.g. the file's URI, used again by the serializer's restore).
   */
  static async openDocument(bytes: Uint8Array, fileName: string, source: string, deps: WaterfallPanelDeps): Promise<WaterfallPanel> {
    const panel = WaterfallPanel.openLoading(UNKNOWN_TRACE_ID, source, deps, fileName.slice(0, 60));
    await panel.loadDocument(bytes, fileName);
    return panel;
  }

  /** Opens the panel of a fetched trace. */
  static async show(trace: Trace, source: string, deps: WaterfallPanelDeps, options?: LayoutOptions): Promise<WaterfallPanel> {
    const panel = WaterfallPanel.openLoading(trace.traceId, source, deps);
    await panel.setTrace(trace, options);
    return panel;
  }

  /**
   * Restores panels after a window reload. `restore` refetches the trace from the state
   * (trace id + source): a Trace, or the document's bytes (file or raw response, laid out in
   * the worker when big); returning undefined shows a message in the panel instead.
   */
  static registerSerializer(deps: WaterfallPanelDeps, restore: (state: WaterfallPanelState) => Promise<RestoredTrace | undefined>): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(WaterfallPanel.viewType, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        if (!isPanelState(state)) { panel.dispose(); return; }
        panel.webview.options = { enableScripts: true, localResourceRoots: WaterfallPanel.resourceRoots(deps.extensionUri) };
        const view = new WaterfallPanel(panel, state, deps);
        try {
          const restored = await restore(state);
          if (restored && 'spans' in restored) await view.setTrace(restored);
          else if (restored) await view.loadDocument(restored.bytes, restored.fileName, { traceId: state.traceId });
          else view.setError(`Trace ${state.traceId} could not be loaded again from ${state.source}.`);
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
    const key = `${state.source}\u0000${state.traceId}`;
    WaterfallPanel.open.set(key, this);
    this.session = new WaterfallSession({
      ready: () => this.onReady(),
      openSource: (location) => { void Promise.resolve(deps.onOpenSource(location, this.state.traceId)).catch((err) => deps.log?.error('Opening source failed', err)); },
      openTrace: (traceId, spanId) => { void Promise.resolve(deps.onOpenTrace(traceId, spanId)).catch((err) => deps.log?.error('Opening a linked trace failed', err)); },
      copy: (text) => { void vscode.env.clipboard.writeText(text); },
      rejected: () => deps.log?.warn('Ignored a malformed message from the waterfall webview'),
    });
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'waterfall-icon.svg');
    panel.webview.html = this.html();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((msg: unknown) => {
        if (this.worker) { this.worker.fromWebview(msg); return; }
        const reply = this.session.handle(msg);
        if (reply) void this.post(reply);
      }),
      panel.onDidDispose(() => this.dispose()),
      // The webview reloads when shown again (no retained context): it will say ready again.
      panel.onDidChangeViewState(() => { if (!panel.visible) this.ready = false; }),
    );
  }

  async setTrace(trace: Trace, options?: LayoutOptions & { selectSpanId?: string }): Promise<void> {
    const count = trace.spans.length;
    await this.worker?.dispose();
    this.worker = undefined;
    this.workerLoaded = false;
    this.setStatus({ type: 'loading', message: `Laying out ${count.toLocaleString('en-US')} spans…` });
    const t0 = performance.now();
    const layout = await buildWaterfallAsync(trace, options);
    if (this.disposed) return;
    this.deps.log?.info(`Waterfall of ${trace.traceId}: ${count} spans laid out in ${(performance.now() - t0).toFixed(0)} ms`);
    this.panel.title = `${layout.summary.rootName.slice(0, 40)} · ${shortTraceId(trace.traceId)}`;
    this.adoptTraceId(trace.traceId);
    this.session.setLayout(layout, options?.selectSpanId);
    this.pendingStatus = undefined;
    if (this.ready) await this.postTrace();
  }

  /**
   * Shows a trace from the document as fetched or read (OTLP JSON or lines, Jaeger, Tempo,
   * Zipkin; detected). From WORKER_THRESHOLD_BYTES on, parsing and layout run in a worker
   * (dist/waterfallWorker.js) that keeps the trace and answers the webview, so the extension
   * host is never blocked by a big trace. Rejects with the parse error (also shown in the panel).
   */
  async loadDocument(bytes: Uint8Array, fileName: string, options: { traceId?: string; spanLimit?: number } = {}): Promise<void> {
    const size = bytes.byteLength;
    if (size < WORKER_THRESHOLD_BYTES) {
      try {
        const { traces } = loadTraceFile(bytes, { fileName });
        const trace = traces.find((t) => t.traceId === options.traceId) ?? traces[0];
        if (!trace) throw new Error(`${fileName} holds no spans.`);
        await this.setTrace(trace, { spanLimit: options.spanLimit, sourceBytes: size });
      } catch (err) {
        this.setError(err instanceof Error ? err.message : String(err));
        throw err;
      }
      return;
    }
    this.setStatus({ type: 'loading', message: `Reading ${(size / 1024 / 1024).toFixed(0)} MB of trace data…` });
    await this.worker?.dispose();
    this.workerLoaded = false;
    const worker = new WaterfallWorkerClient(vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'waterfallWorker.js').fsPath, {
      post: (message) => { if (this.ready) void this.post(message); },
      command: (command) => {
        switch (command.type) {
          case 'ready': this.onReady(); break;
          case 'openSource': void Promise.resolve(this.deps.onOpenSource(command.location, this.state.traceId)).catch((err) => this.deps.log?.error('Opening source failed', err)); break;
          case 'openTrace': void Promise.resolve(this.deps.onOpenTrace(command.traceId, command.spanId)).catch((err) => this.deps.log?.error('Opening a linked trace failed', err)); break;
          case 'copy': void vscode.env.clipboard.writeText(command.text); break;
        }
      },
      crashed: (message) => { this.deps.log?.error(`Waterfall worker: ${message}`); this.setError(`The waterfall stopped: ${message}`); },
    });
    this.worker = worker;
    try {
      const loaded = await worker.load(bytes, fileName, options);
      if (this.disposed) return;
      this.deps.log?.info(`Waterfall of ${loaded.summary.traceId}: ${loaded.summary.spanCount} spans parsed in ${loaded.parseMs.toFixed(0)} ms and laid out in ${loaded.layoutMs.toFixed(0)} ms (worker)`);
      this.panel.title = `${loaded.summary.rootName.slice(0, 40)} · ${shortTraceId(loaded.summary.traceId)}`;
      this.adoptTraceId(loaded.summary.traceId);
      this.workerLoaded = true;
      this.pendingStatus = undefined;
      if (this.ready) worker.requestTrace();
    } catch (err) {
      this.setError(err instanceof Error ? err.message : String(err));
      throw err;
    }
  }

  /** Re-keys the panel once the trace id is known, and tells the webview what to persist. */
  private adoptTraceId(traceId: string): void {
    if (traceId === this.state.traceId || !/^[0-9a-f]{32}$/.test(traceId)) return;
    WaterfallPanel.open.delete(`${this.state.source}\u0000${this.state.traceId}`);
    this.state = { traceId, source: this.state.source };
    WaterfallPanel.open.set(`${this.state.source}\u0000${traceId}`, this);
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
    if (this.worker && this.workerLoaded) this.worker.requestTrace();
    else if (this.session.hasLayout) void this.postTrace();
    else if (this.pendingStatus) void this.post(this.pendingStatus);
  }

  private async postTrace(): Promise<void> {
    const msg = this.session.traceMessage();
    if (msg) await this.post(msg);
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
      styleUris: [asset('media', 'waterfall.css')],
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    WaterfallPanel.open.delete(`${this.state.source}\u0000${this.state.traceId}`);
    for (const d of this.disposables.splice(0)) d.dispose();
    void this.worker?.dispose();
    this.worker = undefined;
    this.panel.dispose();
  }
}
