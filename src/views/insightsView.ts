import * as vscode from 'vscode';
import { exampleTraceOf, insightListItem, type InsightFinding } from '../core/insights/locationInsights';
import type { StatsController } from '../stats/statsController';
import { COMMANDS } from '../core/commands/commandIds';

export const INSIGHTS_VIEW = 'traceLens.insights';

/**
 * The Trace Lens view's "Performance Insights": the findings of the statistics window, as
 * `traceLens.showInsights` lists them; a click goes to the function that makes the calls, or to the
 * example trace when the spans name no code. Empty until there are findings (the manifest's welcome text).
 */
export class InsightsView implements vscode.TreeDataProvider<InsightFinding>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private findings: readonly InsightFinding[] = [];
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly stats: StatsController) {
    this.disposables.push(vscode.window.createTreeView(INSIGHTS_VIEW, { treeDataProvider: this }), this.changed, stats.onDidChange(() => this.refresh()));
    this.refresh();
  }

  getChildren(element?: InsightFinding): InsightFinding[] {
    return element ? [] : [...this.findings];
  }

  getTreeItem(f: InsightFinding): vscode.TreeItem {
    const row = insightListItem(f);
    const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
    item.description = row.description;
    item.tooltip = row.detail;
    item.iconPath = new vscode.ThemeIcon('lightbulb');
    item.command = f.locationKey !== undefined && this.stats.statsFor(f.locationKey)
      ? { command: COMMANDS.openFunction, title: 'Go to the Code', arguments: [f.locationKey] }
      : { command: COMMANDS.openTraceById, title: 'Open the Example Trace', arguments: [exampleTraceOf(f)] };
    return item;
  }

  private refresh(): void {
    this.findings = this.stats.insightFindings;
    this.changed.fire();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
