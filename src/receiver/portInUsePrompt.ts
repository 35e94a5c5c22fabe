import * as vscode from 'vscode';
import { updateSetting } from '../config/settings';
import { COMMANDS } from '../core/commands/commandIds';

/**
 * The receiver's port is taken by another program (often a local Collector; another window's Trace Lens is
 * shared, never reported here): let the user pick another port or switch backend.
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
    // The workspace's settings, so windows that receive fine keep their port; an untrusted workspace's
    // port setting is ignored, so there only the user settings can carry it, and the prompt says so.
    const inWorkspace = vscode.workspace.isTrusted && (vscode.workspace.workspaceFolders?.length ?? 0) > 0;
    const where = inWorkspace ? "Saved in this workspace's settings." : 'Saved in your user settings, for every window.';
    const value = await vscode.window.showInputBox({
      title: `Port for the Trace Lens ${grpc ? 'OTLP/gRPC' : 'OTLP'} receiver`,
      prompt: grpc
        ? `${where} Then run your service with OTEL_EXPORTER_OTLP_PROTOCOL=grpc OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:<port> (0 turns gRPC off)`
        : `${where} Then run your service with OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:<port>`,
      value: String(port === 4318 ? 4319 : port === 4317 ? 4327 : port + 1),
      validateInput: (v) =>
        /^\d+$/.test(v) && Number(v) >= (grpc ? 0 : 1) && Number(v) < 65536 ? undefined : `A port number between ${grpc ? 0 : 1} and 65535`,
    });
    const target = inWorkspace ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    if (value) await updateSetting(grpc ? 'local.grpcPort' : 'local.port', Number(value), target);
  } else if (choice === 'Configure Backend') {
    await vscode.commands.executeCommand(COMMANDS.configureBackend);
  } else if (choice === 'Show Log') {
    await vscode.commands.executeCommand(COMMANDS.showLog);
  }
}
