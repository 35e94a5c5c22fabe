import * as vscode from 'vscode';
import type { CompareTracesArgs } from '../core/commands/commandArguments';
import { COMMANDS } from '../core/commands/commandIds';

const COMPARE_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('diff'), tooltip: 'Compare this trace with another…' };

export interface TracePickOptions {
  title: string;
  placeholder?: string;
  /** Told of the chosen item before its action starts (e.g. so the recent-traces list knows a search found it). */
  onChosen?: (traceId: string) => void;
}

/**
 * A pick of traces (search results, a function's example traces): Enter opens the picked one, its
 * Compare button starts a comparison with it as the baseline (the comparison asks for the other side).
 * Resolves once the pick closes, after the action it chose was started.
 */
export async function pickTrace<T extends vscode.QuickPickItem>(items: T[], traceOf: (item: T) => { traceId: string; spanId?: string }, options: TracePickOptions): Promise<T | undefined> {
  const pick = vscode.window.createQuickPick<T>();
  pick.title = options.title;
  pick.placeholder = options.placeholder ?? 'Pick a trace to open in the waterfall, or compare it with another (the button on the right)';
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  pick.items = items.map((item) => ({ ...item, buttons: [...(item.buttons ?? []), COMPARE_BUTTON] }));
  const chosen = await new Promise<{ item: T; compare: boolean } | undefined>((resolve) => {
    pick.onDidAccept(() => { const item = pick.selectedItems[0]; resolve(item ? { item, compare: false } : undefined); pick.hide(); });
    pick.onDidTriggerItemButton((e) => { resolve({ item: e.item, compare: true }); pick.hide(); });
    pick.onDidHide(() => resolve(undefined));
    pick.show();
  });
  pick.dispose();
  if (!chosen) return undefined;
  const { traceId, spanId } = traceOf(chosen.item);
  options.onChosen?.(traceId);
  if (chosen.compare) {
    const args: CompareTracesArgs = { left: { kind: 'trace', traceId } };
    await vscode.commands.executeCommand(COMMANDS.compareTraces, args);
  } else {
    await vscode.commands.executeCommand(COMMANDS.openTraceById, spanId ? { traceId, spanId } : traceId);
  }
  return chosen.item;
}
