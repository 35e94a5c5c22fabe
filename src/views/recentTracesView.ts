import * as vscode from 'vscode';
import type { BackendController } from '../backends/backendController';
import type { TraceSummary } from '../core/backends/traceBackend';
import { traceSummaryText } from '../core/search/traceSummaryText';
import { formatCount } from '../core/stats/statsFormat';
import { recentTraceFile, recentTraceSummary, type RecentTrace } from '../core/views/recentTraces';
import type { RecentTraces } from '../backends/recentTracesStore';
import { COMMANDS } from '../core/commands/commandIds';

/** The view's id predates the opened and searched traces; ids stay (keybindings and `.focus` commands use them). */
export const RECENT_TRACES_VIEW = 'traceLens.receivedTraces';
/** The newest received traces listed; the rest are one search away. */
export const MAX_LISTED_TRACES = 50;
/** Every span the store holds, whatever its timestamps (a replayed file can be years old). */
const ALL_TIME = { startMs: 0, endMs: Number.MAX_SAFE_INTEGER };
type Group = 'recent' | 'received';
export type RecentTracesNode =
  | { kind: 'group'; group: Group }
  | { kind: 'received'; summary: TraceSummary }
  | { kind: 'recent'; entry: RecentTrace };

/**
 * The Trace Lens view's list of traces: those opened or searched (newest first, from any backend or
 * file) and those the built-in receiver holds. With only received traces the list is flat, as the
 * first hour sees it; once a trace was opened or searched, the two lists are groups. A click opens the
 * waterfall. Empty, the manifest's welcome text (`viewsWelcome`) says what to do instead.
 */
export class RecentTracesView implements vscode.TreeDataProvider<RecentTracesNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<RecentTracesNode>;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly backends: BackendController, private readonly recent: RecentTraces) {
    this.view = vscode.window.createTreeView(RECENT_TRACES_VIEW, { treeDataProvider: this });
    this.disposables.push(
      this.view,
      this.changed,
      backends.onDidChangeBackend(() => this.refresh()),
      // The store debounces its change events, so a burst of exports repaints the list once.
      backends.receiver.onDidChangeSpans(() => this.refresh()),
      recent.onDidChange(() => this.refresh()),
    );
    this.refresh();
  }

  async getChildren(element?: RecentTracesNode): Promise<RecentTracesNode[]> {
    if (element?.kind === 'group') return element.group === 'recent' ? this.recentNodes() : this.receivedNodes();
    if (element) return [];
    const received = await this.receivedNodes();
    if (this.recent.entries.length === 0) return received;
    return received.length > 0 ? [{ kind: 'group', group: 'recent' }, { kind: 'group', group: 'received' }] : this.recentNodes();
  }

  /** The received traces' items, newest first, whether or not they are grouped. */
  async receivedItems(): Promise<vscode.TreeItem[]> {
    return (await this.receivedNodes()).map((n) => this.getTreeItem(n));
  }

  /** The opened and searched traces' items, newest first. */
  recentItems(): vscode.TreeItem[] {
    return this.recentNodes().map((n) => this.getTreeItem(n));
  }

  getTreeItem(node: RecentTracesNode): vscode.TreeItem {
    if (node.kind === 'group') {
      const recent = node.group === 'recent';
      const item = new vscode.TreeItem(recent ? 'Opened and searched' : 'Received', vscode.TreeItemCollapsibleState.Expanded);
      item.id = `group:${node.group}`;
      item.description = recent ? `${this.recent.entries.length}` : `${formatCount(this.backends.receiver.spanStore.counts.tracesHeld)}`;
      item.iconPath = new vscode.ThemeIcon(recent ? 'history' : 'radio-tower');
      return item;
    }
    if (node.kind === 'received') {
      const item = this.traceItem(node.summary, 'pulse');
      item.id = node.summary.traceId;
      item.command = { command: COMMANDS.openTraceById, title: 'Open in Trace Lens Waterfall', arguments: [{ traceId: node.summary.traceId }] };
      return item;
    }
    const { entry } = node;
    const file = recentTraceFile(entry);
    const item = this.traceItem(recentTraceSummary(entry), entry.origin === 'searched' ? 'search' : file ? 'file' : 'history');
    item.id = `recent:${entry.source}:${entry.traceId}`;
    const from = file ? vscode.Uri.parse(file).path.split('/').pop() ?? file : entry.source.slice('backend:'.length);
    item.tooltip = `${item.tooltip as string}\n${entry.origin === 'searched' ? `Found by the search ${entry.query ?? ''}` : 'Opened'} · from ${from} · ${new Date(entry.atMs).toLocaleString()}`;
    item.command = file
      ? { command: COMMANDS.openTraceFile, title: 'Open in Trace Lens Waterfall', arguments: [file] }
      : { command: COMMANDS.openTraceById, title: 'Open in Trace Lens Waterfall', arguments: [{ traceId: entry.traceId }] };
    return item;
  }

  private traceItem(summary: TraceSummary, icon: string): vscode.TreeItem {
    const text = traceSummaryText(summary);
    const item = new vscode.TreeItem(text.label, vscode.TreeItemCollapsibleState.None);
    item.description = text.description;
    item.tooltip = text.detail;
    item.iconPath = new vscode.ThemeIcon(text.hasErrors ? 'error' : icon);
    return item;
  }

  private recentNodes(): RecentTracesNode[] {
    return this.recent.entries.map((entry) => ({ kind: 'recent', entry }));
  }

  private async receivedNodes(): Promise<RecentTracesNode[]> {
    if (this.backends.type !== 'local') return [];
    const summaries = await this.backends.receiver.spanStore.search({ range: ALL_TIME, limit: MAX_LISTED_TRACES });
    return summaries.map((summary) => ({ kind: 'received', summary }));
  }

  private refresh(): void {
    const counts = this.backends.receiver.spanStore.counts;
    const received = this.backends.type === 'local' ? counts.tracesHeld : 0;
    const opened = this.recent.entries.length;
    const parts = [received > 0 ? `${formatCount(received)} received` : '', opened > 0 ? `${opened} opened` : ''].filter((p) => p !== '');
    this.view.description = parts.length > 0 ? parts.join(' · ') : undefined;
    this.changed.fire();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
