import * as vscode from 'vscode';
import { updateSetting } from '../config/settings';

/**
 * The receiver's port is taken (often by a local Collector): let the user pick another or switch backend.
 * `protocol` says which of the two receivers: OTLP/HTTP (`traceLens.local.port`) or OTLP/gRPC (`traceLens.local.grpcPort`).
 */
export async function offerReceiverAlternatives(port: number, protocol: 'http' | 'grpc' = 'http'): Promise<void> {
  const grpc = protocol === 'grpc';
  const choice = await vscode.window.showWarningMessage(
    `Trace Lens could not start its ${grpc ? 'OTLP/gRPC' : 'OTLP'} receiver: port ${port} is in use, perhaps by an OpenTelemetry Collector.`,
    'Use Another Port',
    'Configure Backend',
    'Show Log',
  );
  if (choice === 'Use Another Port') {
    const value = await vscode.window.showInputBox({
      title: `Port for the Trace Lens ${grpc ? 'OTLP/gRPC' : 'OTLP'} receiver`,
      prompt: grpc
        ? 'Then run your service with OTEL_EXPORTER_OTLP_PROTOCOL=grpc OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:<port> (0 turns gRPC off)'
        : 'Then run your service with OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:<port>',
      value: String(port === 4318 ? 4319 : port === 4317 ? 4327 : port + 1),
      validateInput: (v) =>
        /^\d+$/.test(v) && Number(v) >= (grpc ? 0 : 1) && Number(v) < 65536 ? undefined : `A port number between ${grpc ? 0 : 1} and 65535`,
    });
    if (value) await updateSetting(grpc ? 'local.grpcPort' : 'local.port', Number(value), vscode.ConfigurationTarget.Global);
  } else if (choice === 'Configure Backend') {
    await vscode.commands.executeCommand('traceLens.configureBackend');
  } else if (choice === 'Show Log') {
    await vscode.commands.executeCommand('traceLens.showLog');
  }
}
