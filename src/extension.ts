import * as vscode from 'vscode';
import { BackendController } from './backends/backendController';
import { CredentialStore } from './backends/credentialStore';
import { registerCommand } from './ui/commandRegistry';
import { clearCredentials, setCredentials } from './commands/credentials';
import { configureBackend } from './commands/configureBackend';
import { openTraceById, openTraceFile } from './webviews/waterfall/openTrace';
import { searchTraces } from './commands/searchTraces';
import { showStatusActions } from './commands/statusActions';
import { copyExporterEnvironment } from './commands/exporterEnvironment';
import { registerContextKeys } from './onboarding/contextKeys';
import { RecentTracesView } from './views/recentTracesView';
import { RecentTraces } from './backends/recentTraces';
import { FunctionsView, openFunction } from './views/functionsView';
import { InsightsView } from './views/insightsView';
import { registerLint } from './diagnostics/lintController';
import { assistantToolConfirmation, registerAssistantTools } from './assistant/languageModelTools';
import type { AssistantToolName } from './core/assistant/assistantTools';
import { mcpServerLaunch, registerMcpServerProvider } from './assistant/mcpServerProvider';
import { TraceIdLinkProvider } from './links/traceIdLinkProvider';
import { createLogger } from './log/logger';
import { offerReceiverAlternatives } from './receiver/portInUsePrompt';
import { registerReceiverCommands } from './views/clearReceivedSpans';
import { ReceiverController } from './receiver/receiverController';
import { userTokenDir } from './core/receiver/sharedReceiverToken';
import { BackendStatusBar } from './backends/backendStatusBar';
import { SourceMapping } from './source/sourceMapping';
import { OpenedTraceFiles } from './core/traceFiles/openedTraceFiles';
import { registerLatency } from './latency/latencyFeature';
import { registerStatistics } from './stats/statisticsService';
import { registerInsights } from './insights/insightsFeature';
import { WaterfallController } from './webviews/waterfall/waterfallController';
import { CompareController } from './webviews/compare/compareController';
import { TraceQLDiagnostics } from './traceql/traceqlDiagnostics';
import { FunctionFlameController } from './webviews/functionFlame/functionFlameController';
import { ServiceMapController } from './webviews/serviceMap/serviceMapController';
import { TraceQLCompletionProvider } from './traceql/traceqlCompletionProvider';
import { COMMANDS } from './core/commands/commandIds';

let receiverForDeactivate: ReceiverController | undefined;

/**
 * What activate() returns, for the in-host tests (`extension.exports`): where the receiver saves
 * spans, what it holds, and its save path (the one deactivate runs). Not a public API.
 */
export interface TraceLensTestHooks {
  readonly receiverSnapshotFile: string;
  receivedSpanAttributes(traceId: string, spanId: string): Readonly<Record<string, unknown>> | undefined;
  saveReceivedSpans(): Promise<void>;
  /** The items the Trace Lens view shows, in its order (each with the command a click runs). */
  receivedTraceItems(): Promise<vscode.TreeItem[]>;
  /** The traces opened in the waterfall or picked from a search, newest first. */
  recentTraceItems(): vscode.TreeItem[];
  /** The view's top level: received traces alone, or the two groups. */
  traceListItems(): Promise<vscode.TreeItem[]>;
  /** The Functions view: each service's item and its functions' items, in order. */
  functionItems(): Array<{ service: vscode.TreeItem; functions: vscode.TreeItem[] }>;
  /** The Performance Insights view's items, in order. */
  insightItems(): vscode.TreeItem[];
  /** How VS Code would start this window's MCP server (command, arguments, environment without secrets). */
  mcpServerLaunch(): { command: string; args: string[]; env: Record<string, string> };
  /** What an assistant tool asks the user before it runs now (undefined: it runs without asking). */
  assistantToolConfirmation(name: AssistantToolName): string | undefined;
}

/** Builds the services and registers everything as a disposable; the features live in their own folders. */
export async function activate(context: vscode.ExtensionContext): Promise<TraceLensTestHooks | undefined> {
  const log = createLogger();
  context.subscriptions.push(log);
  try {
    const statusBar = new BackendStatusBar();
    const credentials = new CredentialStore(context.secrets, context.globalState);
    const receiver = new ReceiverController(context.storageUri ?? context.globalStorageUri, userTokenDir(), log);
    receiverForDeactivate = receiver;
    const backends = new BackendController(receiver, credentials, statusBar, log);
    const sourceMapping = new SourceMapping(log);
    const recent = new RecentTraces(context.workspaceState);
    const waterfall = new WaterfallController(context.extensionUri, backends, sourceMapping, log, new OpenedTraceFiles(context.workspaceState), recent);
    const compare = new CompareController(context.extensionUri, backends, waterfall, sourceMapping, log);
    const serviceMap = new ServiceMapController(context.extensionUri, backends, log);
    context.subscriptions.push(serviceMap);
    context.subscriptions.push(statusBar, credentials, receiver, backends, sourceMapping, recent, waterfall);

    context.subscriptions.push(
      registerCommand(COMMANDS.showLog, () => log.show(true), log),
      registerCommand(COMMANDS.configureBackend, () => configureBackend(backends, log), log),
      registerCommand(COMMANDS.setCredentials, () => setCredentials(credentials), log),
      registerCommand(COMMANDS.clearCredentials, () => clearCredentials(credentials), log),
      registerCommand(COMMANDS.openTraceById, (reference) => openTraceById(waterfall, reference), log),
      registerCommand(COMMANDS.openTraceFile, (file) => openTraceFile(waterfall, file), log),
      registerCommand(COMMANDS.openInWaterfall, async (files) => {
        if (!files) return openTraceFile(waterfall);
        for (const file of files) await openTraceFile(waterfall, file);
      }, log),
      registerCommand(COMMANDS.showActions, () => showStatusActions(backends), log),
      registerCommand(COMMANDS.copyExporterEnvironment, () => copyExporterEnvironment(receiver), log),
      registerCommand(COMMANDS.searchTraces, () => searchTraces(backends, context, recent, log), log),
      registerCommand(COMMANDS.compareTraces, (args) => compare.compare(args), log),
      registerCommand(COMMANDS.showServiceMap, () => serviceMap.show(), log),
      registerReceiverCommands(receiver, recent, log),
      vscode.languages.registerDocumentLinkProvider(TraceIdLinkProvider.selector, new TraceIdLinkProvider()),
      TraceQLCompletionProvider.register(backends, log),
      new TraceQLDiagnostics(),
      receiver.onDidChangeState((state) => {
        if (state.kind === 'failed' && state.portInUse) void offerReceiverAlternatives(state.port);
      }),
      receiver.onDidChangeGrpcState((state) => {
        if (state.kind === 'failed' && state.portInUse) void offerReceiverAlternatives(state.port, 'grpc');
      }),
    );
    const traceList = new RecentTracesView(backends, recent);
    context.subscriptions.push(traceList, registerContextKeys(backends));
    const lint = registerLint(context, { log, backends, receiver, sourceMapping });
    const statistics = registerStatistics(context, { log, backends, receiver, sourceMapping });
    registerLatency(context, statistics, { log, backends, receiver, sourceMapping });
    context.subscriptions.push(
      registerInsights(statistics, sourceMapping, log),
      registerAssistantTools({ log, backends, statistics, lint }),
      registerMcpServerProvider(context.extensionUri, backends, credentials, log),
    );
    const functions = new FunctionsView(statistics.stats);
    const insights = new InsightsView(statistics.stats);
    context.subscriptions.push(
      functions,
      insights,
      registerCommand(COMMANDS.openFunction, (key) => openFunction(statistics.stats, sourceMapping, key), log),
    );
    const functionFlame = new FunctionFlameController(context.extensionUri, backends, statistics.stats, sourceMapping, log);
    context.subscriptions.push(functionFlame, registerCommand(COMMANDS.showFunctionFlameGraph, (args) => functionFlame.show(args), log));

    await backends.reload();
    log.info(`Trace Lens ${context.extension.packageJSON.version as string} activated`);
    return {
      receiverSnapshotFile: receiver.snapshotFile,
      receivedSpanAttributes: (traceId, spanId) => receiver.spanStore.peekTrace(traceId)?.spans.find((s) => s.spanId === spanId)?.attributes,
      saveReceivedSpans: () => receiver.persist(),
      receivedTraceItems: () => traceList.receivedItems(),
      recentTraceItems: () => traceList.recentItems(),
      traceListItems: async () => (await traceList.getChildren()).map((n) => traceList.getTreeItem(n)),
      mcpServerLaunch: () => mcpServerLaunch(context.extensionUri),
      assistantToolConfirmation: (name) => assistantToolConfirmation(name, backends),
      functionItems: () => functions.getChildren().map((s) => ({ service: functions.getTreeItem(s), functions: functions.getChildren(s).map((f) => functions.getTreeItem(f)) })),
      insightItems: () => insights.getChildren().map((f) => insights.getTreeItem(f)),
    };
  } catch (err) {
    // VS Code does not surface activation failures to the user: say it ourselves.
    log.error('Activation failed', err);
    void vscode.window.showErrorMessage(`Trace Lens failed to start: ${err instanceof Error ? err.message : String(err)}`, 'Show Log')
      .then((choice) => { if (choice) log.show(); });
    return undefined;
  }
}

export async function deactivate(): Promise<void> {
  // Save the received spans so they survive a window reload; everything else is disposed by VS Code.
  await receiverForDeactivate?.persist();
}
