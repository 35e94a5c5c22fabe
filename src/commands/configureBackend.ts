import * as vscode from 'vscode';
import { createBackend, grpcConnection, jaegerGrpcRefusal } from '../core/backends/createBackend';
import { defaultJaegerGrpcUrl, servesJaegerGrpc } from '../core/backends/jaegerGrpc';
import type { BackendType, ConnectionInfo } from '../core/backends/traceBackend';
import type { Authentication } from '../core/http/credentials';
import { ConfigurationError } from '../core/errors';
import { readBackendSettings, readLocalReceiverSettings, readNetworkSettings, updateSetting } from '../config/settings';
import { CredentialStore } from '../backends/credentialStore';
import type { BackendController } from '../backends/backendController';
import { describeError } from '../ui/errorPresenter';
import { withCancellableProgress } from '../ui/progress';

interface TypeItem extends vscode.QuickPickItem {
  type: BackendType;
  defaultUrl: string;
}

const TYPE_ITEMS: TypeItem[] = [
  { type: 'local', label: '$(radio-tower) Built-in OTLP receiver', description: 'no server needed', detail: 'Your service sends OTLP/HTTP to this machine and Trace Lens keeps the spans.', defaultUrl: '' },
  { type: 'tempo', label: '$(server) Grafana Tempo', description: 'TraceQL search and metrics', detail: 'e.g. http://localhost:3200, https://tempo-….grafana.net/tempo, or https://grafana…/api/datasources/proxy/uid/<uid>', defaultUrl: 'http://localhost:3200' },
  { type: 'jaeger', label: '$(server) Jaeger', description: 'query API v3, falls back to v1', detail: 'e.g. http://localhost:16686', defaultUrl: 'http://localhost:16686' },
  { type: 'zipkin', label: '$(server) Zipkin', description: 'API v2', detail: 'e.g. http://localhost:9411', defaultUrl: 'http://localhost:9411' },
];

export function validateBackendUrl(value: string): string | undefined {
  const text = value.trim();
  if (!text) return 'Enter the URL of the server\'s HTTP API.';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'Not a URL: it should look like http://localhost:3200 or https://tempo.example.com.';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'Use an http:// or https:// URL.';
  if (url.username || url.password) return 'Do not put credentials in the URL: choose an authentication method in the next step, which keeps them in secret storage.';
  return undefined;
}

/** Asks for a bearer token or user name and password; undefined when the user cancels. */
export async function askForAuthentication(kind: 'bearer' | 'basic', origin: string): Promise<Authentication | undefined> {
  if (kind === 'bearer') {
    const token = await vscode.window.showInputBox({
      title: `Bearer token for ${origin}`,
      prompt: 'Stored in VS Code\'s secret storage and sent only to this origin.',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'The token cannot be empty.'),
    });
    return token === undefined ? undefined : { kind: 'bearer', token: token.trim() };
  }
  const username = await vscode.window.showInputBox({
    title: `User name for ${origin}`,
    prompt: 'For Grafana Cloud: the Tempo instance id (a number).',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'The user name cannot be empty.'),
  });
  if (username === undefined) return undefined;
  const password = await vscode.window.showInputBox({
    title: `Password or API token for ${username.trim()} at ${origin}`,
    prompt: 'Stored in VS Code\'s secret storage and sent only to this origin.',
    password: true,
    ignoreFocusOut: true,
  });
  return password === undefined ? undefined : { kind: 'basic', username: username.trim(), password };
}

/** `Trace Lens: Configure Backend`: type, URL, tenant, authentication, a connection test, then save. */
export async function configureBackend(controller: BackendController, log: vscode.LogOutputChannel): Promise<void> {
  const current = readBackendSettings();
  const receiverEndpoint = `http://localhost:${readLocalReceiverSettings().port}`;
  // The first step decides how many follow (only Tempo asks for a tenant), so it carries no count.
  const typeItem = await vscode.window.showQuickPick(
    TYPE_ITEMS.map((item) => ({
      ...item,
      detail: item.type === 'local' ? `Your service sends OTLP/HTTP to ${receiverEndpoint} and Trace Lens keeps the spans.` : item.detail,
      picked: item.type === current.type,
      description: item.type === current.type ? `${item.description} · current` : item.description,
    })),
    { title: 'Trace Lens: where are your traces?', ignoreFocusOut: true, matchOnDetail: true },
  );
  if (!typeItem) return;
  if (typeItem.type === 'local') {
    await saveSettings({ type: 'local' });
    void vscode.window.showInformationMessage(`Trace Lens now uses its built-in OTLP receiver. Run your service with OTEL_EXPORTER_OTLP_ENDPOINT=${receiverEndpoint}.`);
    return;
  }
  const steps = typeItem.type === 'tempo' ? 4 : 3;

  const urlInput = await vscode.window.showInputBox({
    title: `${typeItem.label.replace(/\$\([^)]*\)\s*/, '')} URL (2/${steps})`,
    prompt: typeItem.detail,
    value: current.type === typeItem.type && current.url ? current.url : typeItem.defaultUrl,
    ignoreFocusOut: true,
    validateInput: validateBackendUrl,
  });
  if (urlInput === undefined) return;
  const url = urlInput.trim().replace(/\/+$/, '');
  const origin = CredentialStore.originOf(url) as string;

  let tenant = '';
  if (typeItem.type === 'tempo') {
    const input = await vscode.window.showInputBox({
      title: 'Tempo tenant (3/4)',
      prompt: 'Sent as X-Scope-OrgID when Tempo runs multi-tenant. Leave empty otherwise.',
      value: current.type === 'tempo' ? current.tenant : '',
      ignoreFocusOut: true,
    });
    if (input === undefined) return;
    tenant = input.trim();
  }

  const stored = await controller.credentials.get(origin);
  type AuthItem = vscode.QuickPickItem & { auth: 'none' | 'keep' | 'bearer' | 'basic' };
  const authItems: AuthItem[] = [
    ...(stored ? [{ auth: 'keep' as const, label: `Keep the stored ${stored.auth.kind === 'bearer' ? 'bearer token' : 'user name and password'}`, description: origin }] : []),
    { auth: 'none', label: 'No authentication' },
    { auth: 'bearer', label: 'Bearer token', description: 'a proxy in front of the server, Grafana service account tokens' },
    { auth: 'basic', label: 'User name and password', description: 'basic auth, Grafana Cloud' },
  ];
  const authItem = await vscode.window.showQuickPick(authItems, { title: `Authentication for ${origin} (${steps}/${steps})`, ignoreFocusOut: true });
  if (!authItem) return;
  let auth: Authentication | undefined = authItem.auth === 'keep' ? stored?.auth : undefined;
  if (authItem.auth === 'bearer' || authItem.auth === 'basic') {
    auth = await askForAuthentication(authItem.auth, origin);
    if (!auth) return;
  }

  let info: ConnectionInfo | undefined;
  let failure: unknown;
  /** Jaeger's query gRPC API, found beside a Jaeger that needs no credentials. */
  let jaegerGrpcUrl: string | undefined;
  try {
    const settings = { type: typeItem.type, url, tenant: tenant || undefined, headers: current.headers, timeoutMs: current.timeoutMs, caCertificate: current.caCertificate || undefined, ...readNetworkSettings() };
    const credentials = auth ? { origin, auth } : undefined;
    info = await withCancellableProgress(`Testing the connection to ${url}…`, async (signal) => {
      const candidate = createBackend(settings, credentials);
      try {
        const connected = await candidate.backend.testConnection(signal);
        if (typeItem.type === 'jaeger') jaegerGrpcUrl = await findJaegerGrpc(url, current.jaegerGrpcUrl, settings, credentials, signal);
        return connected;
      } finally {
        void candidate.dispose();
      }
    });
    if (!info) return; // cancelled
  } catch (err) {
    failure = err;
    log.warn(`Connection test for ${url} failed: ${err instanceof Error ? err.message : String(err)}`);
  }

  if (failure) {
    const choice = await vscode.window.showWarningMessage(describeError(failure), { modal: false }, 'Save Anyway', 'Start Over');
    if (choice === 'Start Over') return configureBackend(controller, log);
    if (choice !== 'Save Anyway') return;
  }

  if (authItem.auth === 'none' && stored) await controller.credentials.clear(origin);
  if (auth && authItem.auth !== 'keep') await controller.credentials.set(origin, auth);
  await saveSettings({ type: typeItem.type, url, tenant, jaegerGrpcUrl });
  if (info) {
    const grpc = jaegerGrpcUrl ? `; traces by id come from its gRPC API at ${jaegerGrpcUrl} (less than half the bytes of JSON, faster for big traces)` : '';
    void vscode.window.showInformationMessage(`Trace Lens is connected to ${info.serverDescription} at ${url}${grpc}.`);
  }
}

/**
 * Jaeger's query gRPC API beside the HTTP API at `url`: the one already configured, else the
 * default port on the same host, whichever answers as Jaeger's query API; none where
 * jaegerGrpcRefusal forbids it (credentials, a proxy).
 */
async function findJaegerGrpc(
  url: string,
  configured: string,
  settings: Parameters<typeof jaegerGrpcRefusal>[1] & Parameters<typeof grpcConnection>[0],
  credentials: Parameters<typeof jaegerGrpcRefusal>[2],
  signal: AbortSignal,
): Promise<string | undefined> {
  for (const candidate of new Set([configured, defaultJaegerGrpcUrl(url)].filter((c) => c !== ''))) {
    let refused: string | undefined;
    try {
      refused = jaegerGrpcRefusal(candidate, settings, credentials);
    } catch {
      continue; // not a usable URL
    }
    if (!refused && (await servesJaegerGrpc({ url: candidate, timeoutMs: GRPC_PROBE_TIMEOUT_MS, ...grpcConnection(settings) }, signal))) return candidate;
  }
  return undefined;
}

/** Long enough for a server on a network to answer a tiny call, short enough not to hold the dialog. */
const GRPC_PROBE_TIMEOUT_MS = 3_000;

async function saveSettings(values: { type: BackendType; url?: string; tenant?: string; jaegerGrpcUrl?: string }): Promise<void> {
  let target = vscode.ConfigurationTarget.Global;
  if (vscode.workspace.workspaceFolders?.length) {
    const where = await vscode.window.showQuickPick(
      [
        { label: 'This workspace', description: '.vscode/settings.json, shared with your team if committed', target: vscode.ConfigurationTarget.Workspace },
        { label: 'All workspaces', description: 'your user settings', target: vscode.ConfigurationTarget.Global },
      ],
      { title: 'Save the backend for…', ignoreFocusOut: true },
    );
    if (!where) return;
    target = where.target;
  }
  try {
    await updateSetting('backend.type', values.type, target);
    if (values.url !== undefined) await updateSetting('backend.url', values.url, target);
    if (values.tenant !== undefined) await updateSetting('backend.tenant', values.tenant || undefined, target);
    // Only a found endpoint is written: one the user set by hand stays, even if it did not answer now.
    if (values.jaegerGrpcUrl !== undefined) await updateSetting('backend.jaegerGrpcUrl', values.jaegerGrpcUrl, target);
  } catch (err) {
    // VS Code refuses to write a settings file it cannot parse, and says which and why.
    const where = target === vscode.ConfigurationTarget.Workspace ? 'the workspace settings (.vscode/settings.json)' : 'your user settings';
    throw new ConfigurationError(`Trace Lens could not save the backend to ${where}: ${describeError(err)}`, { cause: err });
  }
}
