import * as vscode from 'vscode';
import { COMMANDS } from '../core/commands/commandIds';

export type BackendState = 'ok' | 'connecting' | 'error';

/**
 * The status bar item that tells which backend Trace Lens reads from and whether it works.
 * Clicking it offers the actions that fit the backend (traceLens.showActions), the log among them.
 */
export class BackendStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem('traceLens.backend', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Trace Lens Backend';
    this.item.command = COMMANDS.showActions;
  }

  show(backendLabel: string, state: BackendState, detail?: string): void {
    const icon = state === 'error' ? '$(warning) ' : state === 'connecting' ? '$(sync~spin) ' : '';
    this.item.text = `${icon}Trace Lens: ${backendLabel}`;
    const tooltip = new vscode.MarkdownString(`**Trace Lens** reads traces from **${backendLabel}**`);
    if (detail) tooltip.appendText(`\n\n${detail}`);
    tooltip.appendText('\n\nClick for actions: copy the exporter settings, search, open a trace, configure the backend, the log.');
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = { label: `Trace Lens backend ${backendLabel}, ${state}` };
    this.item.backgroundColor = state === 'error' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
