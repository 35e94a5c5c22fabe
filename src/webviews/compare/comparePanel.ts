/**
 * One panel, and one worker thread, per comparison. The panel opens at once (its webview and
 * worker boot while the traces are fetched or read); the worker parses and matches them; the
 * comparison (bounded by the worker) is kept by the panel for a webview that reloads. No trace is
 * parsed on the host.
 */
import * as vscode from 'vscode';
import type { SourceLocation } from '../../core/waterfall/spanDetail';
import { MessagePanel } from '../shared/messagePanel';
import type { WaterfallLog } from '../waterfall/waterfallPanel';
import { CompareWorkerClient } from './compareWorkerClient';
import { isCompareWebviewMessage, type CompareHostMessage, type CompareSide, type CompareWebviewMessage } from '../../core/protocol/compareProtocol';

export interface ComparePanelDeps {
  extensionUri: vscode.Uri;
  log?: WaterfallLog;
  /** A side's trace (or one of its spans) was clicked. */
  onOpenTrace(side: CompareSide, spanId?: string): void | Promise<void>;
  onOpenSource(location: SourceLocation): void | Promise<void>;
}

export class ComparePanel extends MessagePanel<CompareWebviewMessage, CompareHostMessage> {
  static readonly viewType = 'traceLens.compare';
  readonly worker: CompareWorkerClient;

  constructor(title: string, deps: ComparePanelDeps) {
    super({
      viewType: ComparePanel.viewType, title, extensionUri: deps.extensionUri, asset: 'compare', log: deps.log,
      initial: { type: 'loading', message: 'Loading the traces…' },
      isMessage: isCompareWebviewMessage,
      onMessage: (msg) => (msg.type === 'openTrace' ? deps.onOpenTrace(msg.side, msg.spanId) : deps.onOpenSource(msg.location)),
    });
    this.worker = new CompareWorkerClient(vscode.Uri.joinPath(deps.extensionUri, 'dist', 'compareWorker.js').fsPath);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    super.dispose();
    // Closing the panel mid-load ends the worker: its pending loads reject as cancelled.
    void this.worker.dispose();
  }
}
