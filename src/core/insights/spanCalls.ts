/**
 * What an outgoing call span is, read from its semantic-convention attributes (current names
 * first, then the older ones SDKs still send): a database statement, a cache command, an HTTP
 * request or an RPC, with the target it goes to. Every detector reads spans through this, so the
 * attribute names live in one place.
 */
import { normalizeSpanName } from '../lint/nameNormalizer';
import type { AttributeValue, Span } from '../model/trace';
import { attributeString } from '../source/codeLocation';
import { isTruncatedStatement, normalizeStatement } from './statementNormalizer';

export type CallKind = 'db' | 'cache' | 'http' | 'rpc';

export interface SpanCall {
  kind: CallKind;
  /** Where the call goes: database (system, server, namespace), host, or RPC service. Calls to different targets could run in parallel. */
  target: string;
  /** Identity of the request itself: normalized statement, `GET host/users/{id}`, `rpc service/method`. */
  signature: string;
  /** DB and cache: the normalized statement, or undefined when the span carries none or a truncated one. */
  statement?: string;
  /** Cache: a read (GET, MGET, HGET…) or a write (SET, SETEX…). */
  cacheOp?: 'read' | 'write';
  /** Cache reads whose attributes say whether they hit; undefined when they do not say. */
  cacheHit?: boolean;
}

/** Key-value stores used as caches; their spans are cache commands, not database statements. */
const CACHE_SYSTEMS = new Set(['redis', 'memcached', 'valkey', 'hazelcast', 'coherence', 'geode']);
const CACHE_READS = new Set(['get', 'mget', 'hget', 'hmget', 'hgetall', 'getex', 'exists', 'gets']);
const CACHE_WRITES = new Set(['set', 'setex', 'psetex', 'setnx', 'mset', 'hset', 'hmset', 'add', 'replace', 'cas']);

/**
 * Statements and URLs repeat from span to span (a driver sends the same parameterised text), so
 * their normal forms are remembered; the cache is emptied when full, which bounds it without the
 * bookkeeping of an LRU.
 */
const MAX_MEMO = 4096;
function memo(fn: (s: string) => string): (s: string) => string {
  const cache = new Map<string, string>();
  return (s) => {
    let v = cache.get(s);
    if (v === undefined) {
      if (cache.size >= MAX_MEMO) cache.clear();
      cache.set(s, (v = fn(s)));
    }
    return v;
  };
}
const normalizedStatement = memo(normalizeStatement);

/** The first of two attribute names (current, then older convention) that holds a non-blank string. */
function str(span: Span, key: string, older?: string): string | undefined {
  return attributeString(span.attributes[key]) ?? (older !== undefined ? attributeString(span.attributes[older]) : undefined);
}

function bool(v: AttributeValue | undefined): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === 'true' || t === 'hit') return true;
    if (t === 'false' || t === 'miss') return false;
  }
  return undefined;
}

/** Cache hit or miss as instrumentations and applications record it; undefined when nothing says. */
function cacheHitOf(span: Span): boolean | undefined {
  const a = span.attributes;
  const hit = bool(a['cache.hit']) ?? bool(a['db.cache.hit']) ?? bool(a['cache.result']);
  if (hit !== undefined) return hit;
  const miss = bool(a['cache.miss']);
  if (miss !== undefined) return !miss;
  const rows = a['db.response.returned_rows'];
  if (typeof rows === 'number' || typeof rows === 'bigint') return Number(rows) > 0;
  return undefined;
}

function server(span: Span): string {
  const host = str(span, 'server.address', 'net.peer.name') ?? str(span, 'network.peer.address', 'net.sock.peer.addr') ?? '';
  const port = span.attributes['server.port'] ?? span.attributes['net.peer.port'];
  return typeof port === 'number' || typeof port === 'bigint' ? `${host}:${port}` : host;
}

/** `/users/123?x=1` → `/users/{id}`; the query string is dropped, ids become placeholders. */
const pathTemplate = memo((url: string): string => {
  let rest = url;
  const scheme = rest.indexOf('://');
  if (scheme >= 0) {
    const slash = rest.indexOf('/', scheme + 3);
    rest = slash < 0 ? '/' : rest.slice(slash);
  }
  const cut = rest.search(/[?#]/);
  if (cut >= 0) rest = rest.slice(0, cut);
  return normalizeSpanName(rest).template;
});

function hostOf(url: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]+)/i.exec(url);
  return m ? m[1].replace(/^[^@]*@/, '') : '';
}

/** The call a span makes, or undefined for a span that is no outgoing call (server, internal work). */
export function spanCall(span: Span): SpanCall | undefined {
  const dbSystem = str(span, 'db.system.name', 'db.system');
  if (dbSystem !== undefined) {
    const system = dbSystem.toLowerCase();
    const raw = str(span, 'db.query.text', 'db.statement');
    const statement = raw !== undefined && !isTruncatedStatement(raw) ? normalizedStatement(raw) : undefined;
    const namespace = str(span, 'db.namespace', 'db.name') ?? '';
    const target = `${system}|${server(span)}|${namespace}`;
    if (CACHE_SYSTEMS.has(system)) {
      const op = (str(span, 'db.operation.name', 'db.operation') ?? raw?.split(/\s/, 1)[0] ?? span.name.split(/\s/, 1)[0]).toLowerCase();
      const cacheOp = CACHE_READS.has(op) ? 'read' : CACHE_WRITES.has(op) ? 'write' : undefined;
      const call: SpanCall = { kind: 'cache', target, signature: `${system} ${statement ?? op}`, statement };
      if (cacheOp) call.cacheOp = cacheOp;
      if (cacheOp === 'read') {
        const hit = cacheHitOf(span);
        if (hit !== undefined) call.cacheHit = hit;
      }
      return call;
    }
    const call: SpanCall = { kind: 'db', target, signature: `${target}|${statement ?? span.name}` };
    if (statement !== undefined) call.statement = statement;
    return call;
  }
  const rpcSystem = str(span, 'rpc.system.name', 'rpc.system');
  if (rpcSystem !== undefined && span.kind === 'client') {
    const service = str(span, 'rpc.service') ?? '';
    const method = str(span, 'rpc.method') ?? span.name;
    return { kind: 'rpc', target: `${rpcSystem}|${server(span)}|${service}`, signature: `${rpcSystem} ${service}/${method}` };
  }
  const method = str(span, 'http.request.method', 'http.method');
  if (method !== undefined && span.kind === 'client') {
    const url = str(span, 'url.full', 'http.url') ?? '';
    const host = server(span) || hostOf(url);
    const template = str(span, 'url.template') ?? pathTemplate(url);
    return { kind: 'http', target: `http|${host}`, signature: `${method.toUpperCase()} ${host}${template}` };
  }
  return undefined;
}
