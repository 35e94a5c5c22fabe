import { ConfigurationError } from '../errors';
import type { StoredCredentials } from '../http/credentials';
import { HttpClient, type HttpClientOptions } from '../http/httpClient';
import { JaegerClient, type JaegerApiVersion } from './jaegerClient';
import { TempoClient } from './tempoClient';
import type { BackendType, TraceBackend } from './traceBackend';
import { ZipkinClient } from './zipkinClient';

/** The connection settings a backend passes to its HTTP client as they are; HttpClientOptions says what each means. */
type ConnectionSettings = Pick<
  HttpClientOptions,
  | 'tenant' | 'headers' | 'timeoutMs' | 'caCertificate' | 'systemCertificates' | 'proxy' | 'noProxy'
  | 'proxySupport' | 'proxyStrictSSL' | 'proxyAuthorization' | 'maxResponseBytes' | 'userAgent'
>;

/** Plain backend settings, as read from `traceLens.backend.*` (plus VS Code's proxy settings). */
export interface BackendSettings extends ConnectionSettings {
  type: BackendType;
  /** The query URL, the HTTP client's `baseUrl`. */
  url: string;
  jaegerApiVersion?: JaegerApiVersion | 'auto';
}

export interface CreatedBackend {
  backend: TraceBackend;
  /** Releases pooled connections; call when settings change. */
  dispose(): Promise<void>;
}

/**
 * Builds the client for a remote backend. Credentials are attached only to requests whose
 * origin equals the one they were stored for; the local receiver is not built here.
 */
export function createBackend(settings: BackendSettings, credentials?: StoredCredentials): CreatedBackend {
  if (settings.type === 'local') {
    throw new ConfigurationError('The local backend is the built-in OTLP receiver and has no URL to connect to.');
  }
  if (!settings.url || !settings.url.trim()) {
    throw new ConfigurationError(`Set "traceLens.backend.url" to your ${settings.type} server's query URL, or run "Trace Lens: Configure Backend".`);
  }
  const options: HttpClientOptions = {
    baseUrl: settings.url,
    timeoutMs: settings.timeoutMs,
    headers: settings.headers,
    tenant: settings.tenant?.trim() || undefined,
    caCertificate: settings.caCertificate,
    systemCertificates: settings.systemCertificates,
    proxy: settings.proxy,
    noProxy: settings.noProxy,
    proxySupport: settings.proxySupport,
    proxyStrictSSL: settings.proxyStrictSSL,
    proxyAuthorization: settings.proxyAuthorization,
    credentials,
    maxResponseBytes: settings.maxResponseBytes,
    userAgent: settings.userAgent,
  };
  const http = new HttpClient(options);
  let backend: TraceBackend;
  switch (settings.type) {
    case 'tempo':
      backend = new TempoClient(http);
      break;
    case 'jaeger':
      backend = new JaegerClient(http, { apiVersion: settings.jaegerApiVersion });
      break;
    case 'zipkin':
      backend = new ZipkinClient(http);
      break;
    default:
      throw new ConfigurationError(`"${String(settings.type)}" is not a backend type Trace Lens knows; use tempo, jaeger, zipkin or local.`);
  }
  return { backend, dispose: () => http.close() };
}
