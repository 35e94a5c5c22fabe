import * as vscode from 'vscode';
import { createLogger } from './log/logger';
import { BackendStatusBar } from './status/backendStatusBar';

/** Builds the services and registers everything as a disposable; the features live in their own folders. */
export function activate(context: vscode.ExtensionContext): void {
  const log = createLogger();
  context.subscriptions.push(log);
  try {
    const statusBar = new BackendStatusBar();
    context.subscriptions.push(
      statusBar,
      vscode.commands.registerCommand('traceLens.showLog', () => log.show(true)),
    );
    statusBar.show('local', 'ok', 'The built-in OTLP receiver.');
    log.info(`Trace Lens ${context.extension.packageJSON.version as string} activated`);
  } catch (err) {
    // VS Code does not surface activation failures to the user: say it ourselves.
    log.error('Activation failed', err);
    void vscode.window.showErrorMessage(`Trace Lens failed to start: ${err instanceof Error ? err.message : String(err)}`, 'Show Log')
      .then((choice) => { if (choice) log.show(); });
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
