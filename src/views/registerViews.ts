import * as vscode from 'vscode';
import type { BackendController } from '../backends/backendController';
import type { RecentTraces } from '../backends/recentTracesStore';
import { COMMANDS } from '../core/commands/commandIds';
import type { ReceiverController } from '../receiver/receiverController';
import type { SourceMapping } from '../source/sourceMapping';
import type { StatsController } from '../stats/statsController';
import { registerCommand } from '../ui/commandRegistry';
import { registerReceiverCommands } from './clearReceivedSpans';
import { FunctionsView, openFunction } from './functionsView';
import { InsightsView } from './insightsView';
import { RecentTracesView } from './recentTracesView';

export interface ViewDependencies {
  backends: BackendController;
  receiver: ReceiverController;
  recent: RecentTraces;
  stats: StatsController;
  sourceMapping: SourceMapping;
  log: vscode.LogOutputChannel;
}

/** The Trace Lens side bar: its three views and the commands of their items and title bars. */
export interface TraceLensViews extends vscode.Disposable {
  readonly traceList: RecentTracesView;
  readonly functions: FunctionsView;
  readonly insights: InsightsView;
}

export function registerViews(deps: ViewDependencies): TraceLensViews {
  const { backends, receiver, recent, stats, sourceMapping, log } = deps;
  const traceList = new RecentTracesView(backends, recent);
  const functions = new FunctionsView(stats);
  const insights = new InsightsView(stats);
  const registrations = vscode.Disposable.from(
    traceList,
    functions,
    insights,
    registerReceiverCommands(receiver, recent, log),
    registerCommand(COMMANDS.openFunction, (key) => openFunction(stats, sourceMapping, key), log),
  );
  return { traceList, functions, insights, dispose: () => registrations.dispose() };
}
