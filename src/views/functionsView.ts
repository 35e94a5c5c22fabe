import * as vscode from 'vscode';
import type { SourceMapping } from '../source/sourceMapping';
import type { StatsController } from '../stats/statsController';
import { functionsByLatency, type FunctionRow, type ServiceFunctions } from '../core/views/functionsByLatency';
import { COMMANDS } from '../core/commands/commandIds';
import { countOf } from '../core/text/plural';

export const FUNCTIONS_VIEW = 'traceLens.functions';

type Node = ServiceFunctions | FunctionRow;
const isService = (n: Node): n is ServiceFunctions => 'functions' in n;

/**
 * The Trace Lens view's "Functions": services, and under each the functions with latency statistics,
 * slowest p95 first (src/core/views/functionsByLatency.ts); a click opens the function. Empty until
 * statistics exist, so the manifest's welcome text explains how spans reach functions.
 */
export class FunctionsView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private groups: ServiceFunctions[] = [];
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly stats: StatsController) {
    this.disposables.push(vscode.window.createTreeView(FUNCTIONS_VIEW, { treeDataProvider: this }), this.changed, stats.onDidChange(() => this.refresh()));
    this.refresh();
  }

  getChildren(element?: Node): Node[] {
    if (!element) return this.groups;
    return isService(element) ? element.functions : [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (isService(node)) {
      const item = new vscode.TreeItem(node.service, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `service:${node.service}`;
      item.description = countOf(node.functions.length, 'function');
      item.iconPath = new vscode.ThemeIcon('server-process');
      return item;
    }
    const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
    item.id = `function:${node.locationKey}`;
    item.description = node.description;
    item.tooltip = node.filePath ? `${node.filePath}${node.line ? `:${node.line}` : ''}` : 'Known by name only: open its file to see the lens.';
    item.iconPath = new vscode.ThemeIcon(node.errorCount > 0 ? 'error' : 'symbol-function');
    item.command = { command: COMMANDS.openFunction, title: 'Go to Function', arguments: [node.locationKey] };
    return item;
  }

  private refresh(): void {
    this.groups = functionsByLatency(this.stats.allLocations);
    this.changed.fire();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/**
 * `traceLens.openFunction`: the function of a statistics key, at the line its spans report, through
 * the source mapping (which opens only workspace files). Without a key it shows the Functions view.
 */
export async function openFunction(stats: StatsController, sourceMapping: SourceMapping, locationKey?: string): Promise<void> {
  if (locationKey === undefined) {
    await vscode.commands.executeCommand(`${FUNCTIONS_VIEW}.focus`);
    return;
  }
  const location = stats.statsFor(locationKey)?.location;
  if (!location) {
    void vscode.window.showInformationMessage('Trace Lens has no statistics for this function any more (the window moved on, or the backend changed).');
    return;
  }
  if (!location.filePath) {
    // Known only by qualified name: the file the workspace search found it in, when exactly one.
    const found = stats.lensIndex?.qualifiedMatchOf(locationKey);
    if (found) {
      await sourceMapping.openLocation({ file: found.path, line: found.line + 1 });
      return;
    }
    void vscode.window.showInformationMessage(`The spans name ${location.functionName ?? location.spanName ?? 'this function'} without a file, and no single workspace file declares it (Explain Source Mapping says why): open the file that defines it to see its lens.`);
    return;
  }
  await sourceMapping.openLocation({ file: location.filePath, line: location.lineNumber, revision: location.revision });
}
