import * as vscode from 'vscode';
import { COMMANDS } from '../core/commands/commandIds';
import { locationLabel } from '../core/source/codeLocation';
import { showTracesArgsOf, type ShowFunctionTracesArgs } from '../core/stats/hoverMarkdown';
import { formatDuration } from '../core/stats/statsFormat';
import type { StatsController } from './statsController';
import { countOf } from '../core/text/plural';

const MAX_LOCATIONS_PICKED = 200;

/** From the palette: first the function, among those with statistics (busiest first). */
export async function pickLocation(stats: StatsController): Promise<ShowFunctionTracesArgs | undefined> {
  const all = stats.allLocations.slice(0, MAX_LOCATIONS_PICKED);
  if (all.length === 0) {
    const choice = await vscode.window.showInformationMessage('Trace Lens has no latency statistics yet.', 'Explain Source Mapping');
    if (choice) await vscode.commands.executeCommand(COMMANDS.explainSourceMapping);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    all.map((s) => ({ label: locationLabel(s.location), description: `p95 ${formatDuration(s.current.p95Ns)} · ${countOf(s.current.count, 'call')}`, detail: s.location.filePath, stats: s })),
    { title: 'Trace Lens: traces of which function?', matchOnDetail: true },
  );
  return picked ? showTracesArgsOf(picked.stats) : undefined;
}
