import * as vscode from 'vscode';
import { registerCommand } from '../commands/commandRegistry';
import type { ReceiverController } from './receiverController';

/** Commands of the built-in receiver: `traceLens.clearReceivedSpans`. */
export function registerReceiverCommands(receiver: ReceiverController, log: vscode.LogOutputChannel): vscode.Disposable {
  return registerCommand(
    'traceLens.clearReceivedSpans',
    async () => {
      const { spansHeld, tracesHeld } = receiver.spanStore.counts;
      await receiver.clearSpans();
      log.info(`Cleared ${spansHeld} received spans in ${tracesHeld} traces, in memory and on disk`);
      void vscode.window.showInformationMessage(
        `Trace Lens cleared ${spansHeld} received span${spansHeld === 1 ? '' : 's'} from memory and from the saved file.`,
      );
    },
    log,
  );
}
