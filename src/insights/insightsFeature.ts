import * as vscode from 'vscode';
import { COMMANDS } from '../core/commands/commandIds';
import type { SourceMapping } from '../source/sourceMapping';
import type { StatisticsService } from '../stats/statisticsService';
import { registerCommand } from '../ui/commandRegistry';
import { InsightDiagnostics } from './insightDiagnostics';
import { showInsights } from './showInsights';

/**
 * Registers performance insights: they come from the same pass as the statistics, land as
 * diagnostics where their lenses do, and are listed by `traceLens.showInsights`.
 */
export function registerInsights(statistics: StatisticsService, sourceMapping: SourceMapping, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.Disposable.from(
    new InsightDiagnostics(statistics.stats, statistics.inputs),
    registerCommand(COMMANDS.showInsights, () => showInsights(statistics.stats, sourceMapping), log),
  );
}
