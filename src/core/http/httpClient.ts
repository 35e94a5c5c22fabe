import { pipeline } from 'node:stream/promises';
import type { Readable, Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import { Agent, ProxyAgent, request, type Dispatcher } from 'undici';
import {
  BackendTimeoutError,
  BackendUnreachableError,
  CancelledError,
  ConfigurationError,
  HttpStatusError,
  MalformedResponseError,
  ResponseTooLargeError,
  TlsError,
  TraceLensError,
  UnauthorizedError,
} from '../errors';
import { authorizationFor, type StoredCredentials } from './credentials';
import { proxyForUrl, type ProxySupport } from './proxy';
import { extraCertificates, withNodeRoots } from './systemCertificates';
import { backoffDelay, DEFAULT_RETRY, parseRetryAfter, RETRYABLE_STATUS, sleep, type RetryPolicy } from './retry';
import { joinUrl, parseBaseUrl, type QueryParams } from './url';
import { parseJsonBody } from './jsonBody';

export interface HttpClientOptions {
  baseUrl: string;
  /** Whole-request budget per attempt, connection to last body byte. */
  timeoutMs?: number;
  /** Non-secret headers from settings. */
  headers?: Record<string, string>;
  /** Tempo/Mimir-style tenant, sent as X-Scope-OrgID. */
  tenant?: string;
  /** PEM text of extra certificate authorities, trusted in addition to the system's. */
  caCertificate?: string;
  /** The OS trust store's certificates (see systemCertificates.ts), trusted in addition to Node's roots. */
  systemCertificates?: readonly string[];
  /** Explicit proxy URL (VS Code's `http.proxy`); otherwise HTTPS_PROXY/HTTP_PROXY/NO_PROXY. */
  proxy?: string;
  noProxy?: string;
  /** VS Code's `http.proxySupport`; `off` connects directly whatever the proxy settings and variables say. */
  proxySupport?: ProxySupport;
  /**
   * VS Code's `http.proxyStrictSSL` (default true). False accepts the proxy's certificate, and the
   * target's as seen through the proxy (a TLS-inspecting proxy re-signs it), without verification;
   * it has no effect on a direct connection, as in VS Code.
   */
  proxyStrictSSL?: boolean;
  /** VS Code's `http.proxyAuthorization`: the `Proxy-Authorization` header value sent to the proxy only. */
  proxyAuthorization?: string;
  /** Decoded bytes read at most per response. */
  maxResponseBytes?: number;
  retry?: Partial<RetryPolicy>;
  /** Credentials used for every request unless a request passes its own. */
  credentials?: StoredCredentials;
  userAgent?: string;
  /** For tests: the environment proxy variables are read from. */
  env?: NodeJS.ProcessEnv;
}

export interface HttpRequest {
  path: string;
  query?: QueryParams;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  credentials?: StoredCredentials;
  /** Statuses the caller handles itself (e.g. 404 for "not found"); no error is thrown for them. */
  acceptStatus?: number[];
  /**
   * Receives a successful (2xx) answer's decoded body chunk by chunk instead of `body`, which
   * stays empty: a big answer then never sits whole in this thread's heap (nor its garbage).
   * Each chunk is the sink's to keep or hand on; nothing here reads it again.
   */
  sink?: (chunk: Buffer) => void;
  /** Called when a successful (2xx) answer's headers are in, before its body is read. */
  onAnswer?: () => void;
}

export interface HttpResponse {
  url: string;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  text(): string;
  /** Parses JSON; a body that is not JSON becomes a MalformedResponseError naming `expected`. */
  json(expected: string): unknown;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
/** The default of `traceLens.backend.maxResponseMB`: a 250k-span trace fits, a runaway answer does not. */
export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function errorChain(err: unknown): Array<{ code?: string; message?: string }> {
  const out: Array<{ code?: string; message?: string }> = [];
  let e: unknown = err;
  for (let i = 0; i < 5 && e && typeof e === 'object'; i++) {
    const o = e as { code?: unknown; message?: unknown; cause?: unknown };
    out.push({ code: typeof o.code === 'string' ? o.code : undefined, message: typeof o.message === 'string' ? o.message : undefined });
    e = o.cause;
  }
  return out;
}

function decoderFor(encoding: string | undefined, firstByte: number | undefined): Transform | undefined {
  const enc = (encoding ?? '').trim().toLowerCase();
  if (enc === 'gzip' || enc === 'x-gzip') return createGunzip();
  // "deflate" is meant to be zlib-wrapped, but some servers send raw deflate; the zlib header's low nibble is 8.
  if (enc === 'deflate') return firstByte !== undefined && (firstByte & 0x0f) === 8 ? createInflate() : createInflateRaw();
  if (enc === 'br') return createBrotliDecompress();
  return undefined;
}

export class HttpClient {
  readonly baseUrl: URL;
  private readonly options: HttpClientOptions;
  private readonly retry: RetryPolicy;
  private readonly dispatcher: Dispatcher;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;

  constructor(options: HttpClientOptions) {
    this.options = options;
    this.baseUrl = parseBaseUrl(options.baseUrl);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs && options.timeoutMs > 0 ? options.timeoutMs : DEFAULT_TIMEOUT_MS;
    this.maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    for (const [name, value] of Object.entries({ ...options.headers, ...(options.tenant ? { 'X-Scope-OrgID': options.tenant } : {}) })) {
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || /[\r\n\0]/.test(String(value))) {
        throw new ConfigurationError(`The header "${name.slice(0, 60)}" in "traceLens.backend.headers" (or the tenant) is not a valid HTTP header; remove line breaks and unusual characters.`);
      }
    }
    this.dispatcher = this.buildDispatcher();
  }

  private buildDispatcher(): Dispatcher {
    const pem = this.options.caCertificate?.trim();
    if (pem && !pem.includes('-----BEGIN CERTIFICATE-----')) {
      throw new ConfigurationError('"traceLens.backend.caCertificate" is not a PEM certificate. Paste the text starting with -----BEGIN CERTIFICATE-----.');
    }
    const ca = withNodeRoots(extraCertificates(this.options.systemCertificates, pem));
    const tls = ca ? { ca } : {};
    const connect = { ...tls, timeout: this.timeoutMs };
    const proxy = proxyForUrl(this.baseUrl, { proxy: this.options.proxy, noProxy: this.options.noProxy, support: this.options.proxySupport, env: this.options.env });
    if (proxy) {
      const strict = this.options.proxyStrictSSL !== false;
      const authorization = this.options.proxyAuthorization?.trim();
      if (authorization && /[\r\n\0]/.test(authorization)) {
        throw new ConfigurationError('"http.proxyAuthorization" contains a line break; it must be a single header value such as "Basic dXNlcjpwYXNz".');
      }
      try {
        return new ProxyAgent({
          uri: proxy,
          token: authorization || undefined,
          proxyTls: { ...tls, rejectUnauthorized: strict },
          requestTls: { ...tls, rejectUnauthorized: strict },
          connect,
          headersTimeout: this.timeoutMs,
          bodyTimeout: this.timeoutMs,
        });
      } catch (err) {
        throw new ConfigurationError(`The proxy "${proxy}" cannot be used: ${(err as Error).message}. Check "http.proxy" or HTTPS_PROXY.`, { cause: err });
      }
    }
    return new Agent({ connect, headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs });
  }

  url(path: string, query?: QueryParams): URL {
    return joinUrl(this.baseUrl, path, query);
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  async get(req: HttpRequest): Promise<HttpResponse> {
    const url = this.url(req.path, req.query);
    const headers: Record<string, string> = {
      accept: 'application/json',
      'accept-encoding': 'gzip, deflate, br',
      'user-agent': this.options.userAgent ?? 'trace-lens',
    };
    for (const [k, v] of Object.entries(this.options.headers ?? {})) headers[k.toLowerCase()] = v;
    if (this.options.tenant) headers['x-scope-orgid'] = this.options.tenant;
    for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
    const credentials = req.credentials ?? this.options.credentials;
    if (credentials) headers.authorization = authorizationFor(credentials, url);

    for (let attempt = 0; ; attempt++) {
      if (req.signal?.aborted) throw new CancelledError();
      const res = await this.attempt(url, headers, req);
      if (RETRYABLE_STATUS.has(res.status) && attempt < this.retry.maxRetries && !req.acceptStatus?.includes(res.status)) {
        const retryAfter = parseRetryAfter(res.headers['retry-after']);
        if (retryAfter === undefined || retryAfter <= this.retry.maxRetryAfterMs) {
          await sleep(retryAfter ?? backoffDelay(attempt, this.retry), req.signal);
          continue;
        }
      }
      if (res.status >= 200 && res.status < 300) return res;
      if (req.acceptStatus?.includes(res.status)) return res;
      if (res.status === 401 || res.status === 403) {
        throw new UnauthorizedError(this.baseUrl.href, res.status, { detail: res.text().slice(0, 300) });
      }
      if (res.status >= 300 && res.status < 400 && res.headers.location) {
        // Redirects are not followed: a redirect to another origin must not carry credentials.
        throw new HttpStatusError(url.href, res.status, `redirect to ${res.headers.location}; set "traceLens.backend.url" to the final address`);
      }
      throw new HttpStatusError(url.href, res.status, res.text());
    }
  }

  async getJson(req: HttpRequest, expected: string): Promise<unknown> {
    return (await this.get(req)).json(expected);
  }

  private async attempt(url: URL, headers: Record<string, string>, { signal: userSignal, sink, onAnswer }: HttpRequest): Promise<HttpResponse> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = userSignal ? AbortSignal.any([userSignal, timeout]) : timeout;
    const mapError = (err: unknown): Error => {
      if (err instanceof TraceLensError) return err;
      if (userSignal?.aborted) return new CancelledError({ cause: err });
      if (timeout.aborted) return new BackendTimeoutError(url.origin, this.timeoutMs, { cause: err });
      const chain = errorChain(err);
      const tls = chain.find((c) => c.code && TLS_CODES.has(c.code));
      if (tls) return new TlsError(url.origin, tls.message ?? tls.code ?? 'certificate rejected', { cause: err });
      const codes = chain.map((c) => c.code).filter(Boolean);
      if (codes.some((c) => c === 'UND_ERR_HEADERS_TIMEOUT' || c === 'UND_ERR_BODY_TIMEOUT' || c === 'UND_ERR_CONNECT_TIMEOUT')) {
        return new BackendTimeoutError(url.origin, this.timeoutMs, { cause: err });
      }
      const reason = chain.find((c) => c.code)?.code ?? chain[0]?.message ?? 'network error';
      return new BackendUnreachableError(url.origin, { reason, cause: err });
    };

    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, { method: 'GET', headers, dispatcher: this.dispatcher, signal, maxRedirections: 0 });
    } catch (err) {
      throw mapError(err);
    }
    const resHeaders = flattenHeaders(res.headers);
    try {
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      if (ok) onAnswer?.();
      const body = await this.readBody(url, res.body, resHeaders, signal, ok ? sink : undefined);
      return makeResponse(url.href, res.statusCode, resHeaders, body);
    } catch (err) {
      // Destroying emits an abort error of its own; nobody else listens any more.
      res.body.on('error', () => undefined);
      res.body.destroy();
      throw mapError(err);
    }
  }

  private async readBody(url: URL, body: Readable, headers: Record<string, string>, signal: AbortSignal, sink?: (chunk: Buffer) => void): Promise<Buffer> {
    const declared = Number(headers['content-length']);
    if (Number.isFinite(declared) && declared > this.maxBytes) throw new ResponseTooLargeError(url.origin + url.pathname, this.maxBytes);
    const chunks: Buffer[] = [];
    let total = 0;
    const cap = this.maxBytes;
    // Counting after decompression: a small gzip body can expand to gigabytes.
    const collect = async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) {
        total += chunk.length;
        if (total > cap) throw new ResponseTooLargeError(url.origin + url.pathname, cap);
        if (sink) sink(chunk);
        else chunks.push(chunk);
      }
    };
    const encoding = headers['content-encoding'];
    if (!encoding || encoding === 'identity') {
      await collect(body as AsyncIterable<Buffer>);
      return Buffer.concat(chunks, total);
    }
    // Peek at the first byte to tell zlib-wrapped from raw deflate.
    const iterator = (body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    const first = await iterator.next();
    if (first.done) return Buffer.alloc(0);
    async function* replay() {
      yield first.value as Buffer;
      for (;;) {
        const n = await iterator.next();
        if (n.done) return;
        yield n.value as Buffer;
      }
    }
    const decoder = decoderFor(encoding, first.value[0]);
    if (!decoder) {
      // Unknown encodings pass through undecoded; the JSON parse then says the body is unreadable.
      await collect(replay());
      return Buffer.concat(chunks, total);
    }
    try {
      await pipeline(replay, decoder, collect, { signal });
    } catch (err) {
      if (err instanceof TraceLensError || signal.aborted) throw err;
      const code = (err as { code?: string }).code;
      if (code && code.startsWith('Z_')) {
        throw new MalformedResponseError(`The answer from ${url.origin}`, `valid ${encoding} data`, { cause: err });
      }
      throw err;
    }
    return Buffer.concat(chunks, total);
  }
}

function makeResponse(url: string, status: number, headers: Record<string, string>, body: Buffer): HttpResponse {
  return {
    url,
    status,
    headers,
    body,
    text: () => body.toString('utf8'),
    json: (expected: string) => parseJsonBody(body, url, expected),
  };
}
