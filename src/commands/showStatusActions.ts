import * as vscode from 'vscode';
import type { BackendController } from '../backends/backendController';
import { statusActions, type StatusAction } from '../core/commands/statusActions';

interface ActionItem extends vscode.QuickPickItem {
  action: StatusAction;
}

/** `traceLens.showActions` (the status bar item's click): the actions that fit the backend in use. */
export async function showStatusActions(backends: BackendController): Promise<void> {
  const receiver = backends.receiver;
  const actions = statusActions({
    backend: backends.type,
    listeningPort: receiver.state.kind === 'listening' || receiver.state.kind === 'attached' ? receiver.state.port : undefined,
    spansHeld: receiver.spanStore.counts.spansHeld,
  });
  const picked = await vscode.window.showQuickPick<ActionItem>(
    actions.map((action) => ({ label: action.label, description: action.description, action })),
    { title: `Trace Lens: ${backends.describe()}`, placeHolder: 'What do you want to do?' },
  );
  if (picked) await vscode.commands.executeCommand(picked.action.command, ...(picked.action.args ?? []));
}
