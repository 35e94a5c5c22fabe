import * as vscode from 'vscode';
import type { BackendController } from '../backends/backendController';
import { CredentialStore } from '../backends/credentialStore';
import { readBackendSettings, readLocalReceiverSettings, readLookback } from '../config/settings';
import { formatLookback } from '../core/stats/lookback';

/** `contributes.mcpServerDefinitionProviders[0].id`. */
export const MCP_PROVIDER_ID = 'traceLens.mcpServer';

/**
 * The parts of VS Code's MCP API (final in 1.101) this uses. `engines.vscode` stays at ^1.95, whose
 * @types lack them, so they are declared here and looked up at run time: on an older VS Code the
 * Language Model Tools still work and the MCP server is simply not offered.
 */
interface McpStdioServerDefinition {
  label: string;
  command: string;
  args: string[];
  env: Record<string, string | number | null>;
}
interface McpApi {
  registerMcpServerDefinitionProvider(id: string, provider: {
    onDidChangeMcpServerDefinitions?: vscode.Event<void>;
    provideMcpServerDefinitions(token: vscode.CancellationToken): McpStdioServerDefinition[];
    resolveMcpServerDefinition?(server: McpStdioServerDefinition, token: vscode.CancellationToken): Promise<McpStdioServerDefinition | undefined>;
  }): vscode.Disposable;
}
type McpStdioServerDefinitionClass = new (label: string, command: string, args?: string[], env?: Record<string, string | number | null>, version?: string) => McpStdioServerDefinition;

/** How the MCP server of this window starts: its bundle, the window's folders and backend settings (no secrets). */
export function mcpServerLaunch(extensionUri: vscode.Uri): { command: string; args: string[]; env: Record<string, string> } {
  const settings = readBackendSettings();
  const args = [vscode.Uri.joinPath(extensionUri, 'dist', 'mcpServer.js').fsPath];
  for (const folder of vscode.workspace.workspaceFolders ?? []) if (folder.uri.scheme === 'file') args.push('--workspace', folder.uri.fsPath);
  args.push('--backend', settings.type, '--receiver-port', String(readLocalReceiverSettings().port), '--lookback', formatLookback(readLookback().ms));
  if (settings.type !== 'local') args.push('--url', settings.url);
  if (settings.tenant) args.push('--tenant', settings.tenant);
  // The extension host's own executable; in desktop VS Code that is Electron, run as plain Node.
  return { command: process.execPath, args, env: { ELECTRON_RUN_AS_NODE: '1' } };
}

/**
 * Offers `dist/mcpServer.js` to VS Code's MCP support (agent mode, other MCP-aware extensions),
 * started with the window's backend settings; the stored credentials go into the child's
 * environment only when VS Code starts it, for the backend's origin only. It reads the receiver's
 * spans through the shared-receiver channel, so it never listens on a port of its own.
 */
export function registerMcpServerProvider(extensionUri: vscode.Uri, backends: BackendController, credentials: CredentialStore, log: vscode.LogOutputChannel): vscode.Disposable {
  const lm = vscode.lm as typeof vscode.lm & Partial<McpApi>;
  const Definition = (vscode as unknown as { McpStdioServerDefinition?: McpStdioServerDefinitionClass }).McpStdioServerDefinition;
  if (typeof lm.registerMcpServerDefinitionProvider !== 'function' || !Definition) {
    log.info(`VS Code ${vscode.version} has no MCP server API: the Trace Lens MCP server is offered through \`trace-lens mcp\` only`);
    return new vscode.Disposable(() => undefined);
  }
  const changed = new vscode.EventEmitter<void>();
  const version = String((vscode.extensions.getExtension('trace-lens.trace-lens')?.packageJSON as { version?: string } | undefined)?.version ?? '0');
  const provider = lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, {
    onDidChangeMcpServerDefinitions: changed.event,
    provideMcpServerDefinitions: () => {
      const launch = mcpServerLaunch(extensionUri);
      return [new Definition('Trace Lens', launch.command, launch.args, launch.env, version)];
    },
    resolveMcpServerDefinition: async (server) => {
      const settings = readBackendSettings();
      const origin = settings.type !== 'local' ? CredentialStore.originOf(settings.url) : undefined;
      const stored = origin ? await credentials.get(origin) : undefined;
      if (stored?.auth.kind === 'bearer') server.env = { ...server.env, TRACE_LENS_BEARER_TOKEN: stored.auth.token };
      else if (stored?.auth.kind === 'basic') server.env = { ...server.env, TRACE_LENS_BASIC_AUTH: `${stored.auth.username}:${stored.auth.password}` };
      return server;
    },
  });
  return vscode.Disposable.from(provider, changed, backends.onDidChangeBackend(() => changed.fire()));
}
