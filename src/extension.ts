import * as vscode from 'vscode';
import { BackendController } from './backends/backendController';
import { CredentialStore } from './backends/credentialStore';
import { clearCredentials, setCredentials } from './commands/credentials';
import { configureBackend } from './commands/configureBackend';
import { openTraceById, openTraceFile } from './commands/openTrace';
import { searchTraces } from './commands/searchTraces';
import { registerLint } from './diagnostics/lintController';
import { TraceIdLinkProvider } from './links/traceIdLinkProvider';
import { createLogger } from './log/logger';
import { offerReceiverAlternatives } from './receiver/portInUsePrompt';
import { ReceiverController } from './receiver/receiverController';
import { BackendStatusBar } from './status/backendStatusBar';
import { SourceMapping } from './source/sourceMapping';
import { registerLatency } from './stats/latencyController';
import { WaterfallController } from './webviews/waterfall/waterfallController';

let receiverForDeactivate: ReceiverController | undefined;

/** Builds the services and registers everything as a disposable; the features live in their own folders. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = createLogger();
  context.subscriptions.push(log);
  try {
    const statusBar = new BackendStatusBar();
    const credentials = new CredentialStore(context.secrets, context.globalState);
    const receiver = new ReceiverController(context.storageUri ?? context.globalStorageUri, log);
    receiverForDeactivate = receiver;
    const backends = new BackendController(receiver, credentials, statusBar, log);
    const sourceMapping = new SourceMapping(log);
    const waterfall = new WaterfallController(context.extensionUri, backends, sourceMapping, log);
    context.subscriptions.push(statusBar, credentials, receiver, backends, sourceMapping, waterfall);

    context.subscriptions.push(
      vscode.commands.registerCommand('traceLens.showLog', () => log.show(true)),
      vscode.commands.registerCommand('traceLens.configureBackend', () => configureBackend(backends, log)),
      vscode.commands.registerCommand('traceLens.setCredentials', () => setCredentials(credentials)),
      vscode.commands.registerCommand('traceLens.clearCredentials', () => clearCredentials(credentials)),
      vscode.commands.registerCommand('traceLens.openTraceById', (arg?: unknown) => openTraceById(waterfall, arg)),
      vscode.commands.registerCommand('traceLens.openTraceFile', (arg?: unknown) => openTraceFile(waterfall, arg)),
      vscode.commands.registerCommand('traceLens.searchTraces', () => searchTraces(backends, context, log)),
      vscode.languages.registerDocumentLinkProvider(TraceIdLinkProvider.selector, new TraceIdLinkProvider()),
      receiver.onDidChangeState((state) => {
        if (state.kind === 'failed' && state.portInUse) void offerReceiverAlternatives(state.port);
      }),
    );
    registerLint(context, { log, backends, receiver, sourceMapping });
    registerLatency(context, { log, backends, receiver, sourceMapping });

    await backends.reload();
    log.info(`Trace Lens ${context.extension.packageJSON.version as string} activated`);
  } catch (err) {
    // VS Code does not surface activation failures to the user: say it ourselves.
    log.error('Activation failed', err);
    void vscode.window.showErrorMessage(`Trace Lens failed to start: ${err instanceof Error ? err.message : String(err)}`, 'Show Log')
      .then((choice) => { if (choice) log.show(); });
  }
}

export async function deactivate(): Promise<void> {
  // Save the received spans so they survive a window reload; everything else is disposed by VS Code.
  await receiverForDeactivate?.persist();
}
