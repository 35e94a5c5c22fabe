import * as vscode from 'vscode';

/** The extension's single log: a LogOutputChannel named "Trace Lens". */
export function createLogger(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('Trace Lens', { log: true });
}
