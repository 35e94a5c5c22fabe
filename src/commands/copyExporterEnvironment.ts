import * as vscode from 'vscode';
import type { ReceiverController } from '../receiver/receiverController';
import { exporterEnvironment } from '../core/onboarding/exporterEnvironment';
import { readLocalReceiverSettings } from '../config/settings';

/**
 * `traceLens.copyExporterEnvironment`: the variables that send a service's spans to the receiver, for
 * the user to put before their start command. The port is the one listening, else the configured one.
 */
export async function copyExporterEnvironment(receiver: ReceiverController): Promise<void> {
  const state = receiver.state;
  const port = state.kind === 'listening' || state.kind === 'attached' ? state.port : readLocalReceiverSettings().port;
  const text = exporterEnvironment(port);
  await vscode.env.clipboard.writeText(text);
  const note = state.kind === 'listening' || state.kind === 'attached' ? '' : ' The receiver is not listening yet: the status bar says why.';
  void vscode.window.showInformationMessage(`Copied: ${text}. Start your service with these variables set.${note}`);
}
