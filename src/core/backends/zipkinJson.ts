/**
 * Zipkin v2 JSON spans into the model. Tags are strings only in Zipkin, so attribute values
 * stay strings; the `otel.*` and `error` tags that OpenTelemetry exporters write are turned
 * back into status and scope.
 */
import { UNKNOWN_SERVICE, type Attributes, type Resource, type Span, type SpanEvent, type StatusCode } from '../model/trace';
import type { ConversionContext } from './conversionContext';
import { MISSING_TIME } from './traceAssembly';
import { asArray, asString, decodeId, decodeKind, isRecord, microsToNanos, safeStringify, setAttribute } from './wireValues';

function convertTags(tags: unknown, ctx: ConversionContext): Attributes {
  const out: Attributes = {};
  if (!isRecord(tags)) return out;
  let kept = 0;
  for (const [k, v] of Object.entries(tags)) {
    if (kept >= ctx.limits.maxAttributesPerSpan) {
      ctx.count('droppedAttributes');
      continue;
    }
    kept++;
    if (typeof v !== 'string') ctx.count('badValue');
    setAttribute(out, ctx.str(k), ctx.str(typeof v === 'string' ? v : safeStringify(v)));
  }
  return out;
}

/** `name|{json attributes}|dropped`, the Collector's encoding of an event with attributes. */
const EVENT_WITH_ATTRIBUTES = /^([\s\S]*)\|(\{[\s\S]*\})\|(\d+)$/;

function convertAnnotations(list: unknown, ctx: ConversionContext): SpanEvent[] {
  const items = asArray(list);
  const max = ctx.limits.maxEventsPerSpan;
  if (items.length > max) ctx.count('droppedEvents', items.length - max);
  const out: SpanEvent[] = [];
  for (const a of items.slice(0, max)) {
    if (!isRecord(a)) continue;
    let time = microsToNanos(a.timestamp);
    if (time === undefined || time < 0n) {
      ctx.count('badEvent');
      time = MISSING_TIME;
    }
    const value = ctx.str(asString(a.value) ?? '');
    const event: SpanEvent = { timeUnixNano: time, name: value, attributes: {} };
    const m = value.length < 65536 ? EVENT_WITH_ATTRIBUTES.exec(value) : null;
    if (m) {
      try {
        const parsed = JSON.parse(m[2]) as unknown;
        if (isRecord(parsed)) {
          event.name = m[1];
          for (const [k, v] of Object.entries(parsed)) {
            setAttribute(event.attributes, k, typeof v === 'string' ? ctx.str(v) : typeof v === 'number' || typeof v === 'boolean' ? v : ctx.str(safeStringify(v)));
          }
        }
      } catch {
        // Not the Collector's encoding after all: keep the annotation text as the name.
      }
    }
    out.push(event);
  }
  return out;
}

/**
 * Attribute namespaces the OpenTelemetry semantic conventions define for resources. Zipkin
 * has no resource, so OpenTelemetry's exporters copy resource attributes into every span's
 * tags; these are moved back so spans of one process share a resource again.
 */
const RESOURCE_KEY = /^(service|deployment|telemetry|host|process|os|container|k8s|cloud|faas|device|webengine)\./;

type ResourceFor = (endpoint: unknown, tags: Attributes) => Resource;

export function convertZipkinSpans(list: unknown[], ctx: ConversionContext, out: Span[] = []): Span[] {
  const resources = new Map<string, Resource>();
  const resourceFor: ResourceFor = (e, tags) => {
    const ep = isRecord(e) ? e : {};
    const attributes: Attributes = {};
    for (const k of Object.keys(tags)) {
      if (RESOURCE_KEY.test(k)) {
        setAttribute(attributes, k, tags[k]);
        delete tags[k];
      }
    }
    const name = asString(ep.serviceName);
    const ip = asString(ep.ipv4) ?? asString(ep.ipv6);
    if (ip && !Object.hasOwn(attributes, 'host.ip')) attributes['host.ip'] = ctx.str(ip);
    const tagService = attributes['service.name'];
    // Zipkin lower-cases the endpoint's service name; the tag keeps the original spelling.
    const serviceName = typeof tagService === 'string' && tagService.toLowerCase() === (name ?? '').toLowerCase() ? tagService : name ? ctx.str(name) : typeof tagService === 'string' ? tagService : UNKNOWN_SERVICE;
    if (!Object.hasOwn(attributes, 'service.name')) attributes['service.name'] = serviceName;
    const key = JSON.stringify([serviceName, Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : 1))]);
    let r = resources.get(key);
    if (!r) resources.set(key, (r = { serviceName, attributes }));
    return r;
  };
  const converted: Span[] = [];
  const shared = new Set<Span>();
  for (const raw of list) {
    if (out.length + converted.length >= ctx.limits.maxSpans) {
      ctx.count('droppedSpans');
      continue;
    }
    const span = convertSpan(raw, resourceFor, ctx);
    if (!span) continue;
    converted.push(span);
    if (isRecord(raw) && raw.shared === true) shared.add(span);
  }
  separateSharedSpans(converted, shared, ctx);
  for (const s of converted) out.push(s);
  return out;
}

/** Next id after `id` (as 64-bit hex) that `taken` does not hold. */
function freeSpanId(id: string, taken: Set<string>): string {
  let n = BigInt(`0x${id}`);
  for (;;) {
    n = (n + 1n) & 0xffffffffffffffffn;
    const candidate = n.toString(16).padStart(16, '0');
    if (n !== 0n && !taken.has(candidate)) return candidate;
  }
}

/**
 * B3 instrumentation (Brave and others) gives an RPC's server span the client span's id and
 * marks it `shared`. The model needs unique ids, so, as Jaeger's span-id deduper does, the
 * server half gets a new id and becomes the client half's child; the server's own children,
 * which name the shared id as parent, move under it.
 */
function separateSharedSpans(spans: Span[], shared: Set<Span>, ctx: ConversionContext): void {
  const byKey = new Map<string, Span[]>();
  for (const s of spans) {
    const k = `${s.traceId}/${s.spanId}`;
    const list = byKey.get(k);
    if (list) list.push(s);
    else byKey.set(k, [s]);
  }
  let moved = 0;
  for (const list of byKey.values()) {
    if (list.length < 2) continue;
    const server = list.find((s) => shared.has(s)) ?? list.find((s) => s.kind === 'server');
    const client = list.find((s) => s !== server && s.kind !== 'server');
    if (!server || !client) continue;
    const taken = new Set(spans.filter((s) => s.traceId === server.traceId).map((s) => s.spanId));
    const oldId = server.spanId;
    const newId = freeSpanId(oldId, taken);
    for (const s of spans) {
      if (s !== server && s !== client && s.traceId === server.traceId && s.parentSpanId === oldId && s.resource === server.resource) s.parentSpanId = newId;
    }
    server.spanId = newId;
    server.parentSpanId = oldId;
    moved++;
  }
  if (moved) ctx.note(`${moved} Zipkin server span(s) shared their client's span id; they were given new ids and placed under the client span.`);
}

function convertSpan(s: unknown, resourceFor: ResourceFor, ctx: ConversionContext): Span | undefined {
  if (!isRecord(s)) {
    ctx.count('badSpan');
    return undefined;
  }
  const traceId = decodeId(s.traceId, 16);
  const spanId = decodeId(s.id, 8);
  if (!traceId || !spanId) {
    ctx.count('badSpan');
    return undefined;
  }
  const attributes = convertTags(s.tags, ctx);
  let code: StatusCode = 'unset';
  let message: string | undefined;
  const otelStatus = attributes['otel.status_code'];
  if (typeof otelStatus === 'string') {
    delete attributes['otel.status_code'];
    const u = otelStatus.toUpperCase();
    code = u === 'ERROR' ? 'error' : u === 'OK' ? 'ok' : 'unset';
  }
  const desc = attributes['otel.status_description'];
  if (typeof desc === 'string') {
    delete attributes['otel.status_description'];
    message = desc;
  }
  // Zipkin marks failures with an `error` tag whose value is the message (often empty or "true").
  if (Object.hasOwn(attributes, 'error') && code !== 'ok') {
    const e = attributes.error;
    delete attributes.error;
    code = 'error';
    if (typeof e === 'string' && e !== '' && e !== 'true' && message === undefined) message = e;
  }
  const scopeName = attributes['otel.scope.name'] ?? attributes['otel.library.name'];
  const scopeVersion = attributes['otel.scope.version'] ?? attributes['otel.library.version'];
  for (const k of ['otel.scope.name', 'otel.library.name', 'otel.scope.version', 'otel.library.version']) delete attributes[k];

  if (isRecord(s.remoteEndpoint)) {
    const re = s.remoteEndpoint;
    const put = (k: string, v: unknown) => {
      if (v !== undefined && v !== '' && !Object.hasOwn(attributes, k)) attributes[k] = typeof v === 'string' ? ctx.str(v) : (v as number);
    };
    put('peer.service', asString(re.serviceName));
    put('network.peer.address', asString(re.ipv4) ?? asString(re.ipv6));
    if (typeof re.port === 'number') put('network.peer.port', re.port);
  }

  const start = microsToNanos(s.timestamp);
  const duration = microsToNanos(s.duration);
  const span: Span = {
    traceId,
    spanId,
    name: ctx.str(asString(s.name) ?? ''),
    // Zipkin has no INTERNAL: a span without kind is a local one.
    kind: typeof s.kind === 'string' ? decodeKind(s.kind) : 'internal',
    startTimeUnixNano: start !== undefined && start >= 0n ? start : MISSING_TIME,
    endTimeUnixNano: start !== undefined && start >= 0n ? start + (duration !== undefined && duration >= 0n ? duration : 0n) : MISSING_TIME,
    attributes,
    events: convertAnnotations(s.annotations, ctx),
    links: [],
    status: { code },
    resource: resourceFor(s.localEndpoint, attributes),
    scope: { name: typeof scopeName === 'string' ? scopeName : '' },
  };
  if (typeof s.parentId === 'string' && s.parentId !== '') {
    const p = decodeId(s.parentId, 8);
    if (p) span.parentSpanId = p;
    else ctx.count('badParent');
  }
  if (message !== undefined && message !== '') span.status.message = message;
  if (typeof scopeVersion === 'string' && scopeVersion) span.scope.version = scopeVersion;
  return span;
}
