import * as vscode from 'vscode';
import { InvalidCommandArgumentsError, parseCommandArguments, type CommandArguments } from '../core/commands/commandArguments';
import type { CommandId } from '../core/commands/commandIds';

/**
 * Registers a Trace Lens command whose arguments are checked first (see COMMAND_ARGUMENTS). Invalid
 * arguments never reach the handler: the user sees why, the log keeps it, and the caller's promise
 * rejects with the same InvalidCommandArgumentsError, so a link or another extension learns it failed.
 */
export function registerCommand<K extends CommandId>(
  command: K,
  handler: (args: CommandArguments<K>) => unknown,
  log: vscode.LogOutputChannel,
): vscode.Disposable {
  return vscode.commands.registerCommand(command, (...args: unknown[]) => {
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
    return handler(parsed);
  });
}
