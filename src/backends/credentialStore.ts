import * as vscode from 'vscode';
import type { Authentication, StoredCredentials } from '../core/http/credentials';
import { originOf } from '../core/http/credentials';

const KEY_PREFIX = 'traceLens.credentials:';
const INDEX_KEY = 'traceLens.credentialOrigins';

/**
 * Secrets in VS Code's SecretStorage, keyed by the backend origin they were entered for.
 * The clients send a secret only to that same origin, so a workspace that points the backend
 * elsewhere gets no token.
 */
export class CredentialStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the origin whose secret was stored or removed. */
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly globalState: vscode.Memento,
  ) {
    this.subscription = secrets.onDidChange((e) => {
      if (e.key.startsWith(KEY_PREFIX)) this.changed.fire(e.key.slice(KEY_PREFIX.length));
    });
  }

  static originOf(url: string): string | undefined {
    try {
      return originOf(url);
    } catch {
      return undefined;
    }
  }

  async get(origin: string): Promise<StoredCredentials | undefined> {
    const raw = await this.secrets.get(KEY_PREFIX + origin);
    if (!raw) return undefined;
    try {
      const auth = JSON.parse(raw) as Authentication;
      if (auth.kind === 'bearer' && typeof auth.token === 'string') return { origin, auth };
      if (auth.kind === 'basic' && typeof auth.username === 'string' && typeof auth.password === 'string') return { origin, auth };
    } catch {
      // A damaged entry is treated as absent; storing new credentials replaces it.
    }
    return undefined;
  }

  async set(origin: string, auth: Authentication): Promise<void> {
    await this.secrets.store(KEY_PREFIX + origin, JSON.stringify(auth));
    const origins = new Set(this.origins());
    origins.add(origin);
    await this.globalState.update(INDEX_KEY, [...origins].sort());
  }

  async clear(origin: string): Promise<void> {
    await this.secrets.delete(KEY_PREFIX + origin);
    await this.globalState.update(INDEX_KEY, this.origins().filter((o) => o !== origin));
  }

  /** Origins that have a stored secret (SecretStorage cannot list its keys). */
  origins(): string[] {
    return this.globalState.get<string[]>(INDEX_KEY, []);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
