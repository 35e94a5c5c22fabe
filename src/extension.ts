import * as vscode from 'vscode';
import { BackendController } from './backends/backendController';
import { CredentialStore } from './backends/credentialStore';
import { registerCommand } from './commands/commandRegistry';
import { clearCredentials, setCredentials } from './commands/credentials';
import { configureBackend } from './commands/configureBackend';
import { openTraceById, openTraceFile } from './commands/openTrace';
import { searchTraces } from './commands/searchTraces';
import { registerLint } from './diagnostics/lintController';
import { TraceIdLinkProvider } from './links/traceIdLinkProvider';
import { createLogger } from './log/logger';
import { offerReceiverAlternatives } from './receiver/portInUsePrompt';
import { registerReceiverCommands } from './receiver/receiverCommands';
import { ReceiverController } from './receiver/receiverController';
import { BackendStatusBar } from './status/backendStatusBar';
import { SourceMapping } from './source/sourceMapping';
import { OpenedTraceFiles } from './core/traceFiles/openedTraceFiles';
import { registerLatency } from './stats/latencyController';
import { WaterfallController } from './webviews/waterfall/waterfallController';

let receiverForDeactivate: ReceiverController | undefined;

/**
 * What activate() returns, for the in-host tests (`extension.exports`): where the receiver saves
 * spans, what it holds, and its save path (the one deactivate runs). Not a public API.
 */
export interface TraceLensTestHooks {
  readonly receiverSnapshotFile: string;
  receivedSpanAttributes(traceId: string, spanId: string): Readonly<Record<string, unknown>> | undefined;
  saveReceivedSpans(): Promise<void>;
}

/** Builds the services and registers everything as a disposable; the features live in their own folders. */
export async function activate(context: vscode.ExtensionContext): Promise<TraceLensTestHooks | undefined> {
  const log = createLogger();
  context.subscriptions.push(log);
  try {
    const statusBar = new BackendStatusBar();
    const credentials = new CredentialStore(context.secrets, context.globalState);
    const receiver = new ReceiverController(context.storageUri ?? context.globalStorageUri, log);
    receiverForDeactivate = receiver;
    const backends = new BackendController(receiver, credentials, statusBar, log);
    const sourceMapping = new SourceMapping(log);
    const waterfall = new WaterfallController(context.extensionUri, backends, sourceMapping, log, new OpenedTraceFiles(context.workspaceState));
    context.subscriptions.push(statusBar, credentials, receiver, backends, sourceMapping, waterfall);

    context.subscriptions.push(
      registerCommand('traceLens.showLog', () => log.show(true), log),
      registerCommand('traceLens.configureBackend', () => configureBackend(backends, log), log),
      registerCommand('traceLens.setCredentials', () => setCredentials(credentials), log),
      registerCommand('traceLens.clearCredentials', () => clearCredentials(credentials), log),
      registerCommand('traceLens.openTraceById', (reference) => openTraceById(waterfall, reference), log),
      registerCommand('traceLens.openTraceFile', (file) => openTraceFile(waterfall, file), log),
      registerCommand('traceLens.searchTraces', () => searchTraces(backends, context, log), log),
      registerReceiverCommands(receiver, log),
      vscode.languages.registerDocumentLinkProvider(TraceIdLinkProvider.selector, new TraceIdLinkProvider()),
      receiver.onDidChangeState((state) => {
        if (state.kind === 'failed' && state.portInUse) void offerReceiverAlternatives(state.port);
      }),
      receiver.onDidChangeGrpcState((state) => {
        if (state.kind === 'failed' && state.portInUse) void offerReceiverAlternatives(state.port, 'grpc');
      }),
    );
    registerLint(context, { log, backends, receiver, sourceMapping });
    registerLatency(context, { log, backends, receiver, sourceMapping });

    await backends.reload();
    log.info(`Trace Lens ${context.extension.packageJSON.version as string} activated`);
    return {
      receiverSnapshotFile: receiver.snapshotFile,
      receivedSpanAttributes: (traceId, spanId) => receiver.spanStore.peekTrace(traceId)?.spans.find((s) => s.spanId === spanId)?.attributes,
      saveReceivedSpans: () => receiver.persist(),
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
