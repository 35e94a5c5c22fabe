import * as vscode from 'vscode';
import { BackendController } from './backends/backendController';
import { BackendStatusBar } from './backends/backendStatusBar';
import { CredentialStore } from './backends/credentialStore';
import { RecentTraces } from './backends/recentTracesStore';
import { registerBackendCommands } from './commands/backendCommands';
import { registerContextKeys } from './onboarding/contextKeys';
import { registerLint } from './diagnostics/lintController';
import { assistantToolConfirmation, registerAssistantTools } from './assistant/languageModelTools';
import type { AssistantToolName } from './core/assistant/assistantTools';
import { mcpServerLaunch, registerMcpServerProvider } from './assistant/mcpServerProvider';
import { TraceIdLinkProvider } from './links/traceIdLinkProvider';
import { createLogger } from './log/logger';
import { offerReceiverAlternatives } from './receiver/portInUsePrompt';
import { ReceiverController } from './receiver/receiverController';
import { userTokenDir } from './core/receiver/sharedReceiverToken';
import { SourceMapping } from './source/sourceMapping';
import { registerLatency } from './latency/latencyFeature';
import { registerStatistics } from './stats/statisticsService';
import { registerInsights } from './insights/insightsFeature';
import { registerViews } from './views/registerViews';
import { registerWebviews } from './webviews/registerWebviews';
import { TraceQLDiagnostics } from './traceql/traceqlDiagnostics';
import { TraceQLCompletionProvider } from './traceql/traceqlCompletionProvider';

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
    context.subscriptions.push(statusBar, credentials, receiver, backends, sourceMapping, recent);

    // Each feature registers its own commands and providers; they meet only through the services above.
    const lint = registerLint(context, { log, backends, receiver, sourceMapping });
    const statistics = registerStatistics(context, { log, backends, receiver, sourceMapping });
    registerLatency(context, statistics, { log, backends, receiver, sourceMapping });
    const views = registerViews({ backends, receiver, recent, stats: statistics.stats, sourceMapping, log });
    context.subscriptions.push(
      ...registerBackendCommands({ context, backends, credentials, receiver, recent, log }),
      registerWebviews({ context, backends, sourceMapping, recent, stats: statistics.stats, log }),
      views,
      registerInsights(statistics, sourceMapping, log),
      registerAssistantTools({ log, backends, statistics, lint }),
      registerMcpServerProvider(context.extensionUri, backends, credentials, log),
      registerContextKeys(backends),
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
    const { traceList, functions, insights } = views;

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
