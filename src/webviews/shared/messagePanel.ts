/**
 * A webview panel that shows one message-driven view (the comparison, the service map): the page
 * and CSP of waterfallHtml.ts, a guard for every message from the webview, and the last status or
 * result kept so a webview that reloads when shown again (no retained context) gets it after `ready`.
 */
import * as vscode from 'vscode';
import { createNonce, renderWaterfallHtml } from '../waterfall/waterfallHtml';
import type { WaterfallLog } from '../waterfall/waterfallPanel';

export interface MessagePanelOptions<FromWebview, ToWebview> {
  viewType: string;
  title: string;
  extensionUri: vscode.Uri;
  /** The bundle under dist/webview and the stylesheet under media, e.g. `compare`. */
  asset: string;
  /** Further stylesheets under media that the view's parts need (e.g. `flame.css`). */
  sharedStyles?: string[];
  log?: WaterfallLog;
  /** What the view shows before anything else is said. */
  initial: ToWebview;
  isMessage(v: unknown): v is FromWebview;
  /** Every valid message but `ready`, which the panel answers itself. */
  onMessage(message: Exclude<FromWebview, { type: 'ready' }>): void | Promise<void>;
}

export class MessagePanel<FromWebview extends { type: string }, ToWebview> implements vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
  private ready = false;
  private disposed = false;
  private current: ToWebview;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly closed = new vscode.EventEmitter<void>();
  readonly onDidClose = this.closed.event;

  constructor(private readonly options: MessagePanelOptions<FromWebview, ToWebview>) {
    const { extensionUri } = options;
    this.current = options.initial;
    this.panel = vscode.window.createWebviewPanel(options.viewType, options.title, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
    });
    const webview = this.panel.webview;
    const asset = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'waterfall-icon.svg');
    webview.html = renderWaterfallHtml({
      cspSource: webview.cspSource,
      nonce: createNonce(),
      scriptUri: asset('dist', 'webview', `${options.asset}.js`),
      styleUris: [...(options.sharedStyles ?? []).map((file) => asset('media', file)), asset('media', `${options.asset}.css`)],
      title: options.title,
    });
    this.disposables.push(
      webview.onDidReceiveMessage((msg: unknown) => this.onMessage(msg)),
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.onDidChangeViewState(() => { if (!this.panel.visible) this.ready = false; }),
      this.closed,
    );
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Shows `message` now if the webview is ready, and again whenever it reloads. */
  show(message: ToWebview): void {
    this.current = message;
    if (this.ready) void this.post(message);
  }

  private onMessage(msg: unknown): void {
    if (!this.options.isMessage(msg)) {
      this.options.log?.warn(`The ${this.options.viewType} webview sent a message that is not part of its protocol; ignored.`);
      return;
    }
    if (msg.type === 'ready') {
      this.ready = true;
      void this.post(this.current);
      return;
    }
    void Promise.resolve(this.options.onMessage(msg as Exclude<FromWebview, { type: 'ready' }>))
      .catch((err) => this.options.log?.error(`Handling a message of the ${this.options.viewType} webview failed`, err));
  }

  private async post(msg: ToWebview): Promise<void> {
    if (this.disposed) return;
    try {
      await this.panel.webview.postMessage(msg);
    } catch (err) {
      this.options.log?.error(`Posting to the ${this.options.viewType} webview failed`, err);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.closed.fire();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
