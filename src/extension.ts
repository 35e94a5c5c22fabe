import * as vscode from 'vscode';
import { BackendController } from './backends/backendController';
import { CredentialStore } from './backends/credentialStore';
import { clearCredentials, setCredentials } from './commands/credentials';
import { configureBackend } from './commands/configureBackend';
import { openTraceById, openTraceFile } from './commands/openTrace';
import { searchTraces } from './commands/searchTraces';
import { updateSetting } from './config/settings';
import { registerLint } from './diagnostics/lintController';
import { TraceIdLinkProvider } from './links/traceIdLinkProvider';
import { createLogger } from './log/logger';
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

/** The receiver's port is taken (often by a local Collector): let the user pick another or switch backend. */
async function offerReceiverAlternatives(port: number): Promise<void> {
  const choice = await vscode.window.showWarningMessage(
    `Trace Lens could not start its OTLP receiver: port ${port} is in use, perhaps by an OpenTelemetry Collector.`,
    'Use Another Port',
    'Configure Backend',
    'Show Log',
  );
  if (choice === 'Use Another Port') {
    const value = await vscode.window.showInputBox({
      title: 'Port for the Trace Lens OTLP receiver',
      prompt: 'Then run your service with OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:<port>',
      value: String(port === 4318 ? 4319 : port + 1),
      validateInput: (v) => (/^\d+$/.test(v) && Number(v) > 0 && Number(v) < 65536 ? undefined : 'A port number between 1 and 65535'),
    });
    if (value) await updateSetting('local.port', Number(value), vscode.ConfigurationTarget.Global);
  } else if (choice === 'Configure Backend') {
    await vscode.commands.executeCommand('traceLens.configureBackend');
  } else if (choice === 'Show Log') {
    await vscode.commands.executeCommand('traceLens.showLog');
  }
}

export async function deactivate(): Promise<void> {
  // Save the received spans so they survive a window reload; everything else is disposed by VS Code.
  await receiverForDeactivate?.persist();
}
