import * as vscode from 'vscode';
import type { BackendController } from '../backends/backendController';
import type { RecentTraces } from '../backends/recentTracesStore';
import { COMMANDS } from '../core/commands/commandIds';
import { OpenedTraceFiles } from '../core/traceFiles/openedTraceFiles';
import type { SourceMapping } from '../source/sourceMapping';
import type { StatsController } from '../stats/statsController';
import { registerCommand } from '../ui/commandRegistry';
import { CompareController } from './compare/compareController';
import { FunctionFlameController } from './functionFlame/functionFlameController';
import { ServiceMapController } from './serviceMap/serviceMapController';
import { openTraceById, openTraceFile } from './waterfall/openTrace';
import { WaterfallController } from './waterfall/waterfallController';

export interface WebviewDependencies {
  context: vscode.ExtensionContext;
  backends: BackendController;
  sourceMapping: SourceMapping;
  recent: RecentTraces;
  stats: StatsController;
  log: vscode.LogOutputChannel;
}

/** The panels (waterfall, comparison, service map, function flame graph) and the commands that open them. */
export function registerWebviews(deps: WebviewDependencies): vscode.Disposable {
  const { context, backends, sourceMapping, recent, stats, log } = deps;
  const waterfall = new WaterfallController(context.extensionUri, backends, sourceMapping, log, new OpenedTraceFiles(context.workspaceState), recent);
  const compare = new CompareController(context.extensionUri, backends, waterfall, sourceMapping, log);
  const serviceMap = new ServiceMapController(context.extensionUri, backends, log);
  const functionFlame = new FunctionFlameController(context.extensionUri, backends, stats, sourceMapping, log);
  return vscode.Disposable.from(
    waterfall,
    serviceMap,
    functionFlame,
    registerCommand(COMMANDS.openTraceById, (reference) => openTraceById(waterfall, reference), log),
    registerCommand(COMMANDS.openTraceFile, (file) => openTraceFile(waterfall, file), log),
    registerCommand(COMMANDS.openInWaterfall, async (files) => {
      if (!files) return openTraceFile(waterfall);
      for (const file of files) await openTraceFile(waterfall, file);
    }, log),
    registerCommand(COMMANDS.compareTraces, (args) => compare.compare(args), log),
    registerCommand(COMMANDS.showServiceMap, () => serviceMap.show(), log),
    registerCommand(COMMANDS.showFunctionFlameGraph, (args) => functionFlame.show(args), log),
  );
}
