import * as vscode from 'vscode';
import {
  BackendUnreachableError,
  ConfigurationError,
  CredentialOriginError,
  TlsError,
  TraceLensError,
  UnauthorizedError,
  isCancellation,
} from '../core/errors';
import { COMMANDS } from '../core/commands/commandIds';

/** The sentence to show for any error: a core error's user message, else its message. */
export function describeError(err: unknown): string {
  if (err instanceof TraceLensError) return err.userMessage;
  if (err instanceof Error) return err.message;
  return String(err);
}

interface Action {
  title: string;
  run(): Thenable<unknown>;
}

function actionsFor(err: unknown): Action[] {
  const command = (title: string, id: string): Action => ({ title, run: () => vscode.commands.executeCommand(id) });
  if (err instanceof UnauthorizedError || err instanceof CredentialOriginError) return [command('Set Credentials', COMMANDS.setCredentials)];
  if (err instanceof BackendUnreachableError || err instanceof ConfigurationError || err instanceof TlsError) {
    return [command('Configure Backend', COMMANDS.configureBackend)];
  }
  return [];
}

/**
 * Logs an error with its detail and shows its user message with the actions that fix it.
 * Cancellation is not an error: it is neither logged as one nor shown.
 */
export function showError(err: unknown, log: vscode.LogOutputChannel, what?: string): void {
  if (isCancellation(err)) {
    log.debug(`${what ?? 'Operation'} cancelled`);
    return;
  }
  const message = describeError(err);
  log.error(what ? `${what}: ${err instanceof Error ? err.message : String(err)}` : err instanceof Error ? err : String(err));
  const actions = [...actionsFor(err), { title: 'Show Log', run: async () => log.show(true) }];
  // Not awaited: the command that failed is done; the notification stays until the user acts on it.
  void vscode.window.showErrorMessage(message, ...actions.map((a) => a.title)).then((choice) => actions.find((a) => a.title === choice)?.run());
}
