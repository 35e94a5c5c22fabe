import * as tls from 'node:tls';

/**
 * The certificates of the operating system's trust store, as PEM, where this Node can read them
 * (22.15+ and 23.5+); none elsewhere. VS Code trusts them (`http.systemCertificates`) through its own
 * patched agents, which undici bypasses, so a backend signed by a company CA installed in the OS
 * would otherwise fail here while it works in the rest of the editor.
 */
export function systemCertificates(): string[] {
  const read = (tls as { getCACertificates?: (type: 'system') => string[] }).getCACertificates;
  if (typeof read !== 'function') return [];
  try {
    return read('system');
  } catch {
    return [];
  }
}
