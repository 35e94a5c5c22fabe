import * as vscode from 'vscode';
import { exampleTraceOf, insightListItem, type InsightFinding } from '../core/insights/locationInsights';
import type { SourceMapping } from '../source/sourceMapping';
import type { StatsController } from '../stats/statsController';
import { COMMANDS } from '../core/commands/commandIds';
import { countOf } from '../core/text/plural';

interface FindingItem extends vscode.QuickPickItem {
  finding: InsightFinding;
}

const TRACE_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('pulse'), tooltip: 'Open the example trace' };

/** What `traceLens.showInsights` opened, for callers and tests: nothing, the code or the example trace. */
export type ShowInsightsResult = { opened: 'nothing' } | { opened: 'source' | 'trace'; ruleId: string };

/**
 * `traceLens.showInsights`: the performance insights of the current statistics (receiver: every
 * trace in the window; backend: the sample, said so in each row). Enter goes to the code that issues
 * the calls when the spans name it, else to the example trace; the row's button always opens the trace.
 */
export async function showInsights(stats: StatsController, sourceMapping: SourceMapping): Promise<ShowInsightsResult> {
  const findings = stats.insightFindings;
  if (findings.length === 0) {
    const why = stats.currentInsightSettings.enabled
      ? 'No performance insights in the traces of the statistics window yet: they show once traces with N+1 queries, serial calls, cache misses, bottlenecks, repeated calls or slow statements arrive.'
      : 'Performance insights are switched off ("traceLens.insights.enabled").';
    void vscode.window.showInformationMessage(why);
    return { opened: 'nothing' };
  }
  const items: FindingItem[] = findings.map((finding) => ({ ...insightListItem(finding), finding, buttons: [TRACE_BUTTON] }));
  const pick = vscode.window.createQuickPick<FindingItem>();
  pick.title = `${countOf(findings.length, 'performance insight')}${findings.some((f) => f.fromSample) ? ' (some from traces sampled from the backend)' : ''}`;
  pick.placeholder = 'Enter goes to the code that makes the calls; the button opens the example trace';
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  pick.items = items;
  const chosen = await new Promise<{ item: FindingItem; trace: boolean } | undefined>((resolve) => {
    pick.onDidAccept(() => {
      const item = pick.selectedItems[0];
      resolve(item ? { item, trace: false } : undefined);
      pick.hide();
    });
    pick.onDidTriggerItemButton((e) => {
      resolve({ item: e.item, trace: true });
      pick.hide();
    });
    pick.onDidHide(() => resolve(undefined));
    pick.show();
  });
  pick.dispose();
  if (!chosen) return { opened: 'nothing' };
  const { finding } = chosen.item;
  const loc = finding.location;
  if (!chosen.trace && loc?.filePath && await sourceMapping.openLocation({ file: loc.filePath, line: loc.lineNumber, revision: loc.revision })) {
    return { opened: 'source', ruleId: finding.ruleId };
  }
  await vscode.commands.executeCommand(COMMANDS.openTraceById, exampleTraceOf(finding));
  return { opened: 'trace', ruleId: finding.ruleId };
}
