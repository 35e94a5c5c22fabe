import { CredentialOriginError } from '../errors';

export type Authentication =
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; username: string; password: string };

/** A secret as SecretStorage holds it: tied to the origin it was stored for. */
export interface StoredCredentials {
  /** `scheme://host[:port]` of the backend the user entered the secret for. */
  origin: string;
  auth: Authentication;
}

export function originOf(url: string | URL): string {
  return (typeof url === 'string' ? new URL(url) : url).origin;
}

/**
 * The Authorization header for a request, or an error when the request goes elsewhere
 * than where the secret was stored for: a credential is sent only to its own origin, so a
 * workspace that changes the backend URL cannot collect it.
 */
export function authorizationFor(credentials: StoredCredentials, requestUrl: URL): string {
  let stored: string;
  try {
    stored = originOf(credentials.origin);
  } catch {
    stored = credentials.origin;
  }
  if (stored !== requestUrl.origin) throw new CredentialOriginError(stored, requestUrl.origin);
  const a = credentials.auth;
  if (a.kind === 'bearer') return `Bearer ${a.token}`;
  return `Basic ${Buffer.from(`${a.username}:${a.password}`, 'utf8').toString('base64')}`;
}

/** Names and addresses that never leave the machine, so plain HTTP to them exposes nothing on a network. */
function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return true;
  if (/^::ffff:127\./.test(host)) return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Whether credentials sent to `url` would cross a network unencrypted: plain `http://` to anything
 * but the loopback interface. Sending still works (a lab backend may have no TLS); the user is warned.
 */
export function sendsCredentialsInClear(url: string | URL): boolean {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return false;
  }
  return parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname);
}

/**
 * Which origins to warn about sending credentials in clear: each once (a window session, as long as
 * this lives), so a settings change or a reconnect does not repeat the warning the user has seen.
 */
export class CleartextCredentialWarnings {
  private readonly warned = new Set<string>();

  /** True the first time `origin` would receive credentials unencrypted over a network. */
  shouldWarn(origin: string): boolean {
    if (!sendsCredentialsInClear(origin) || this.warned.has(origin)) return false;
    this.warned.add(origin);
    return true;
  }
}
