import * as vscode from 'vscode';
import { readBackendSettings } from '../config/settings';
import { CredentialStore } from '../backends/credentialStore';
import { askForAuthentication } from './configureBackend';
import { COMMANDS } from '../core/commands/commandIds';

/** `Trace Lens: Set Credentials`: a secret for the configured backend's origin. */
export async function setCredentials(store: CredentialStore): Promise<void> {
  const settings = readBackendSettings();
  const origin = settings.type === 'local' ? undefined : CredentialStore.originOf(settings.url);
  if (!origin) {
    const choice = await vscode.window.showInformationMessage(
      settings.type === 'local'
        ? 'The built-in OTLP receiver needs no credentials. Configure a Tempo, Jaeger or Zipkin backend first.'
        : 'Set "traceLens.backend.url" first: credentials are stored for the backend\'s origin.',
      'Configure Backend',
    );
    if (choice) await vscode.commands.executeCommand(COMMANDS.configureBackend);
    return;
  }
  const kind = await vscode.window.showQuickPick(
    [
      { label: 'Bearer token', auth: 'bearer' as const },
      { label: 'User name and password', description: 'basic auth', auth: 'basic' as const },
    ],
    { title: `Credentials for ${origin}` },
  );
  if (!kind) return;
  const auth = await askForAuthentication(kind.auth, origin);
  if (!auth) return;
  await store.set(origin, auth);
  void vscode.window.showInformationMessage(`Credentials for ${origin} stored in secret storage.`);
}

/** `Trace Lens: Clear Credentials`: removes a stored secret, the current backend's first. */
export async function clearCredentials(store: CredentialStore): Promise<void> {
  const settings = readBackendSettings();
  const current = settings.type === 'local' ? undefined : CredentialStore.originOf(settings.url);
  const origins = store.origins();
  if (origins.length === 0) {
    void vscode.window.showInformationMessage('Trace Lens has no stored credentials.');
    return;
  }
  const ordered = [...origins].sort((a, b) => (a === current ? -1 : b === current ? 1 : a.localeCompare(b)));
  const picked = await vscode.window.showQuickPick(
    ordered.map((origin) => ({ label: origin, description: origin === current ? 'current backend' : undefined })),
    { title: 'Remove the stored credentials of…' },
  );
  if (!picked) return;
  await store.clear(picked.label);
  void vscode.window.showInformationMessage(`Credentials for ${picked.label} removed.`);
}
