import type * as vscode from 'vscode';
import type { BackendController } from '../backends/backendController';
import type { CredentialStore } from '../backends/credentialStore';
import type { RecentTraces } from '../backends/recentTracesStore';
import { COMMANDS } from '../core/commands/commandIds';
import type { ReceiverController } from '../receiver/receiverController';
import { registerCommand } from '../ui/commandRegistry';
import { configureBackend } from './configureBackend';
import { clearCredentials, setCredentials } from './credentialCommands';
import { copyExporterEnvironment } from './copyExporterEnvironment';
import { searchTraces } from './searchTraces';
import { showStatusActions } from './showStatusActions';

export interface BackendCommandDependencies {
  context: vscode.ExtensionContext;
  backends: BackendController;
  credentials: CredentialStore;
  receiver: ReceiverController;
  recent: RecentTraces;
  log: vscode.LogOutputChannel;
}

/** The commands of the status bar's menu: where traces come from (backend, credentials, exporter settings), searching them, the log. */
export function registerBackendCommands(deps: BackendCommandDependencies): vscode.Disposable[] {
  const { context, backends, credentials, receiver, recent, log } = deps;
  return [
    registerCommand(COMMANDS.showLog, () => log.show(true), log),
    registerCommand(COMMANDS.configureBackend, () => configureBackend(backends, log), log),
    registerCommand(COMMANDS.setCredentials, () => setCredentials(credentials), log),
    registerCommand(COMMANDS.clearCredentials, () => clearCredentials(credentials), log),
    registerCommand(COMMANDS.showActions, () => showStatusActions(backends), log),
    registerCommand(COMMANDS.copyExporterEnvironment, () => copyExporterEnvironment(receiver), log),
    registerCommand(COMMANDS.searchTraces, () => searchTraces(backends, context, recent, log), log),
  ];
}
