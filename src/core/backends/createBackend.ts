import { ConfigurationError } from '../errors';
import type { StoredCredentials } from '../http/credentials';
import { DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT_MS, HttpClient, type HttpClientOptions } from '../http/httpClient';
import { proxyForUrl } from '../http/proxy';
import { extraCertificates } from '../http/systemCertificates';
import { JaegerClient, type JaegerApiVersion } from './jaegerClient';
import { JaegerGrpcTraces, parseJaegerGrpcUrl } from './jaegerGrpc';
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
  /** Jaeger's query gRPC endpoint (`traceLens.backend.jaegerGrpcUrl`); empty: HTTP only. */
  jaegerGrpcUrl?: string;
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
export function createBackend(settings: BackendSettings, credentials?: StoredCredentials, log: (message: string) => void = () => undefined): CreatedBackend {
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
  let grpc: JaegerGrpcTraces | undefined;
  let backend: TraceBackend;
  switch (settings.type) {
    case 'tempo':
      backend = new TempoClient(http);
      break;
    case 'jaeger':
      grpc = jaegerGrpc(settings, credentials, log);
      backend = new JaegerClient(http, { apiVersion: settings.jaegerApiVersion, grpc, onGrpcFallback: log });
      break;
    case 'zipkin':
      backend = new ZipkinClient(http);
      break;
    default:
      throw new ConfigurationError(`"${String(settings.type)}" is not a backend type Trace Lens knows; use tempo, jaeger, zipkin or local.`);
  }
  return {
    backend,
    dispose: () => {
      grpc?.close();
      return http.close();
    },
  };
}

/**
 * Why Jaeger's gRPC API at `url` cannot be used as safely as HTTP, or undefined when it can. Not
 * with credentials: they are sent only to the origin they were stored for, and the gRPC port is
 * another. Not through a proxy: VS Code's proxy settings are honoured by the HTTP client only, and
 * a connection that bypassed the proxy would leave the network the user configured.
 */
export function jaegerGrpcRefusal(url: string, settings: Pick<BackendSettings, 'proxy' | 'noProxy' | 'proxySupport'>, credentials: StoredCredentials | undefined): string | undefined {
  if (credentials) return `credentials are stored for ${credentials.origin} and are sent nowhere else`;
  if (proxyForUrl(parseJaegerGrpcUrl(url), { proxy: settings.proxy, noProxy: settings.noProxy, support: settings.proxySupport })) {
    return "a proxy applies to it, and gRPC does not go through VS Code's proxy settings";
  }
  return undefined;
}

/** The gRPC transport of `settings.jaegerGrpcUrl`, where jaegerGrpcRefusal allows it. */
function jaegerGrpc(settings: BackendSettings, credentials: StoredCredentials | undefined, log: (message: string) => void): JaegerGrpcTraces | undefined {
  const url = settings.jaegerGrpcUrl?.trim();
  if (!url) return undefined;
  const refusal = jaegerGrpcRefusal(url, settings, credentials);
  if (refusal) {
    log(`"traceLens.backend.jaegerGrpcUrl" is not used: ${refusal}. Traces come over HTTP.`);
    return undefined;
  }
  return new JaegerGrpcTraces({
    url,
    timeoutMs: settings.timeoutMs && settings.timeoutMs > 0 ? settings.timeoutMs : DEFAULT_TIMEOUT_MS,
    maxResponseBytes: settings.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    ...grpcConnection(settings),
  });
}

/** What a gRPC connection takes from the backend settings: metadata (headers, tenant) and the certificates to trust. */
export function grpcConnection(settings: Pick<BackendSettings, 'headers' | 'tenant' | 'caCertificate' | 'systemCertificates'>): { metadata: Record<string, string>; extraCertificates: string[] } {
  return {
    metadata: { ...settings.headers, ...(settings.tenant?.trim() ? { 'X-Scope-OrgID': settings.tenant.trim() } : {}) },
    extraCertificates: extraCertificates(settings.systemCertificates, settings.caCertificate),
  };
}
