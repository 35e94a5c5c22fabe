/**
 * Proxy selection. An explicit proxy (VS Code's `http.proxy`) wins; otherwise the usual
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY variables apply, as curl reads them.
 */

/** VS Code's `http.proxySupport`: only `off` changes what Trace Lens does (no proxy at all, not even the environment's). */
export type ProxySupport = 'off' | 'on' | 'fallback' | 'override';

export interface ProxySettings {
  /** Explicit proxy URL; empty or undefined means "use the environment". */
  proxy?: string;
  /** Explicit no-proxy list (comma or space separated); undefined means the environment's. */
  noProxy?: string;
  support?: ProxySupport;
  env?: NodeJS.ProcessEnv;
}

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return v && v.trim() ? v.trim() : undefined;
}

export function bypassesProxy(target: URL, noProxy: string): boolean {
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
  for (const raw of noProxy.split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const m = /^(.*?)(?::(\d+))?$/.exec(entry);
    let name = (m?.[1] ?? entry).replace(/^\[|\]$/g, '');
    const entryPort = m?.[2] ? Number(m[2]) : undefined;
    if (entryPort !== undefined && entryPort !== port) continue;
    if (name.startsWith('*.')) name = name.slice(1);
    if (name.startsWith('.')) {
      if (host.endsWith(name) || host === name.slice(1)) return true;
    } else if (host === name || host.endsWith(`.${name}`)) {
      return true;
    }
  }
  return false;
}

/** The proxy URL to use for a target, or undefined for a direct connection. */
export function proxyForUrl(target: URL, settings: ProxySettings = {}): string | undefined {
  // VS Code's users turn proxies off to reach a backend directly although HTTPS_PROXY is set for other tools.
  if (settings.support === 'off') return undefined;
  const env = settings.env ?? process.env;
  const noProxy = settings.noProxy ?? envValue(env, 'no_proxy') ?? '';
  if (noProxy && bypassesProxy(target, noProxy)) return undefined;
  if (settings.proxy && settings.proxy.trim()) return settings.proxy.trim();
  if (target.protocol === 'https:') return envValue(env, 'https_proxy') ?? envValue(env, 'http_proxy');
  return envValue(env, 'http_proxy');
}
