import * as vscode from 'vscode';
import type { BackendController } from '../backends/backendController';

/**
 * The context keys the manifest's `when` clauses read: the walkthrough's "first span arrived" check
 * (`traceLens.spansReceived`) and which welcome text the Trace Lens view shows (`traceLens.backendType`).
 * `spansReceived` stays true once set in a window: clearing the spans does not undo the step.
 */
export function registerContextKeys(backends: BackendController): vscode.Disposable {
  let spansReceived = false;
  const update = () => {
    void vscode.commands.executeCommand('setContext', 'traceLens.backendType', backends.type);
    if (!spansReceived && backends.receiver.spanStore.counts.spansHeld > 0) {
      spansReceived = true;
      void vscode.commands.executeCommand('setContext', 'traceLens.spansReceived', true);
    }
  };
  update();
  return vscode.Disposable.from(backends.onDidChangeBackend(update), backends.receiver.onDidChangeSpans(update));
}
