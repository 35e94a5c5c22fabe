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

/** What a backend connection trusts besides Node's roots: the OS store's certificates and the private CA (`traceLens.backend.caCertificate`). */
export function extraCertificates(system: readonly string[] | undefined, caCertificate: string | undefined): string[] {
  const pem = caCertificate?.trim();
  return [...(system ?? []), ...(pem ? [pem] : [])];
}

/**
 * The `ca` list for a TLS connection that trusts `extra` too, or undefined when there is nothing
 * extra: Node replaces its trust store when `ca` is given, and the extra ones are meant to be added to it.
 */
export function withNodeRoots(extra: readonly string[]): string[] | undefined {
  return extra.length > 0 ? [...tls.rootCertificates, ...extra] : undefined;
}
