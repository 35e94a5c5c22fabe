import * as vscode from 'vscode';
import { InvalidCommandArgumentsError, parseCommandArguments, type CommandArguments } from '../core/commands/commandArguments';
import type { CommandId } from '../core/commands/commandIds';
import { showError } from './errorPresenter';

/**
 * Registers a Trace Lens command whose arguments are checked first (see COMMAND_ARGUMENTS). Invalid
 * arguments never reach the handler: the user sees why, the log keeps it, and the caller's promise
 * rejects with the same InvalidCommandArgumentsError, so a link or another extension learns it failed.
 *
 * A handler shows the errors it expects itself. Whatever else escapes it (VS Code refusing to write a
 * settings file, say) is shown here as an error notification with the log one click away, and the
 * command ends: thrown on, it would reach VS Code, which shows a palette command's error as a modal
 * dialog ("Command … resulted in an error") that blocks the window until dismissed.
 */
export function registerCommand<K extends CommandId>(
  command: K,
  handler: (args: CommandArguments<K>) => unknown,
  log: vscode.LogOutputChannel,
): vscode.Disposable {
  return vscode.commands.registerCommand(command, async (...args: unknown[]) => {
    let parsed: CommandArguments<K>;
    try {
      parsed = parseCommandArguments(command, args);
    } catch (err) {
      if (err instanceof InvalidCommandArgumentsError) {
        log.warn(err.userMessage);
        void vscode.window.showErrorMessage(err.userMessage);
      }
      throw err;
    }
    try {
      return await handler(parsed);
    } catch (err) {
      showError(err, log, `Command ${command}`);
      return undefined;
    }
  });
}
