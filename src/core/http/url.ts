import { ConfigurationError } from '../errors';

/** A list repeats the parameter (`spanKind=a&spanKind=b`). */
export type QueryParams = Record<string, string | number | boolean | readonly string[] | undefined>;

/** Parses a configured backend URL; only http and https make sense for a query API. */
export function parseBaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ConfigurationError(`"${raw}" is not a valid URL. Set "traceLens.backend.url" to the server's address, e.g. http://localhost:3200.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigurationError(`"${raw}" uses ${url.protocol}; the backend URL must start with http:// or https://.`);
  }
  if (url.username || url.password) {
    // Credentials in the URL would travel in the clear settings file and to every path; SecretStorage is the place.
    throw new ConfigurationError('The backend URL contains a user name or password. Remove it and run "Trace Lens: Set Credentials" instead.');
  }
  return url;
}

/**
 * Appends an API path to a base URL, keeping any path prefix of the base: a Tempo behind
 * Grafana's data-source proxy lives at `https://g/api/datasources/proxy/uid/X`, and
 * `new URL('/api/search', base)` would drop that prefix.
 */
export function joinUrl(base: string | URL, path: string, query?: QueryParams): URL {
  const b = typeof base === 'string' ? parseBaseUrl(base) : base;
  const url = new URL(b.href);
  const prefix = url.pathname.replace(/\/+$/, '');
  const suffix = path.startsWith('/') ? path : `/${path}`;
  url.pathname = prefix + suffix;
  url.hash = '';
  if (query) {
    for (const [k, v] of Object.entries(query)) {
      if (Array.isArray(v)) for (const item of v as readonly string[]) url.searchParams.append(k, item);
      else if (v !== undefined) url.searchParams.set(k, String(v));
    }
  }
  return url;
}

/** A path segment from user data (trace id, service name) must not change the path's structure. */
export function segment(value: string): string {
  return encodeURIComponent(value);
}
