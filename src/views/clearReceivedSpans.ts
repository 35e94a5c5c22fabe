import * as vscode from 'vscode';
import { registerCommand } from '../ui/commandRegistry';
import type { RecentTraces } from '../backends/recentTracesStore';
import type { ReceiverController } from '../receiver/receiverController';
import { COMMANDS } from '../core/commands/commandIds';
import { countOf } from '../core/text/plural';

/**
 * Commands of the built-in receiver: `traceLens.clearReceivedSpans`, which also forgets the list of
 * traces opened and searched (the view shows both; clearing one and not the other would surprise).
 */
export function registerReceiverCommands(receiver: ReceiverController, recent: RecentTraces, log: vscode.LogOutputChannel): vscode.Disposable {
  return registerCommand(
    COMMANDS.clearReceivedSpans,
    async () => {
      const { spansHeld, tracesHeld } = receiver.spanStore.counts;
      await receiver.clearSpans();
      const forgotten = await recent.clear();
      log.info(`Cleared ${spansHeld} received spans in ${tracesHeld} traces, in memory and on disk, and ${forgotten} recent traces`);
      void vscode.window.showInformationMessage(
        `Trace Lens cleared ${countOf(spansHeld, 'received span')} from memory and from the saved file, and its list of ${countOf(forgotten, 'opened and searched trace')}.`,
      );
    },
    log,
  );
}
