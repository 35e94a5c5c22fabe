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
