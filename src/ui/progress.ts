import * as vscode from 'vscode';
import { CancelledError } from '../core/errors';

/**
 * Runs work under a cancellable notification. The VS Code token becomes an AbortSignal for the core;
 * resolves undefined when the user cancelled (cancellation is not an error).
 */
export async function withCancellableProgress<T>(title: string, work: (signal: AbortSignal, progress: vscode.Progress<{ message?: string }>) => Promise<T>): Promise<T | undefined> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort(new CancelledError()));
    try {
      return await work(controller.signal, progress);
    } catch (err) {
      if (controller.signal.aborted) return undefined;
      throw err;
    } finally {
      subscription.dispose();
    }
  });
}
