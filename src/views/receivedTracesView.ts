import * as vscode from 'vscode';
import type { BackendController } from '../backends/backendController';
import type { TraceSummary } from '../core/backends/traceBackend';
import { traceSummaryText } from '../core/search/traceSummaryText';
import { formatCount } from '../core/stats/statsFormat';

export const RECEIVED_TRACES_VIEW = 'traceLens.receivedTraces';
/** The newest traces listed; the rest are one search away. */
export const MAX_LISTED_TRACES = 50;
/** Every span the store holds, whatever its timestamps (a replayed file can be years old). */
const ALL_TIME = { startMs: 0, endMs: Number.MAX_SAFE_INTEGER };

/**
 * The Trace Lens view's list: the traces the built-in receiver holds, newest first; a click opens the
 * waterfall. Empty for a remote backend and before the first span, so the manifest's welcome text
 * (`viewsWelcome`) says what to do instead.
 */
export class ReceivedTracesView implements vscode.TreeDataProvider<TraceSummary>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<TraceSummary>;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly backends: BackendController) {
    this.view = vscode.window.createTreeView(RECEIVED_TRACES_VIEW, { treeDataProvider: this });
    this.disposables.push(
      this.view,
      this.changed,
      backends.onDidChangeBackend(() => this.refresh()),
      // The store debounces its change events, so a burst of exports repaints the list once.
      backends.receiver.onDidChangeSpans(() => this.refresh()),
    );
    this.refresh();
  }

  async getChildren(element?: TraceSummary): Promise<TraceSummary[]> {
    if (element || this.backends.type !== 'local') return [];
    return this.backends.receiver.spanStore.search({ range: ALL_TIME, limit: MAX_LISTED_TRACES });
  }

  getTreeItem(summary: TraceSummary): vscode.TreeItem {
    const text = traceSummaryText(summary);
    const item = new vscode.TreeItem(text.label, vscode.TreeItemCollapsibleState.None);
    item.id = summary.traceId;
    item.description = text.description;
    item.tooltip = text.detail;
    item.iconPath = new vscode.ThemeIcon(text.hasErrors ? 'error' : 'pulse');
    item.command = { command: 'traceLens.openTraceById', title: 'Open in Trace Lens Waterfall', arguments: [{ traceId: summary.traceId }] };
    return item;
  }

  private refresh(): void {
    const counts = this.backends.receiver.spanStore.counts;
    this.view.description = this.backends.type === 'local' && counts.tracesHeld > 0 ? `${formatCount(counts.tracesHeld)} traces` : undefined;
    this.changed.fire();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
