import * as vscode from 'vscode';
import { updateSetting } from '../config/settings';

/** The receiver's port is taken (often by a local Collector): let the user pick another or switch backend. */
export async function offerReceiverAlternatives(port: number): Promise<void> {
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
