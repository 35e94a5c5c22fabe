/**
 * Jaeger's v1 JSON (the query API's `/api/traces` and Jaeger UI's "Download JSON") into the
 * model. It follows Jaeger's own translator to OTLP: CHILD_OF (else FOLLOWS_FROM) in the same
 * trace is the parent, other references are links, `span.kind`/`otel.*` tags become fields.
 */
import { UNKNOWN_SERVICE, type Attributes, type AttributeValue, type Resource, type Span, type SpanEvent, type SpanLink, type StatusCode } from '../model/trace';
import type { ConversionContext } from './conversionContext';
import { MISSING_TIME } from './traceAssembly';
import { asArray, asString, decodeBase64Bytes, decodeId, decodeKind, isRecord, microsToNanos, safeStringify, setAttribute } from './wireValues';

function decodeTagValue(tag: Record<string, unknown>, ctx: ConversionContext): AttributeValue {
  const type = typeof tag.type === 'string' ? tag.type.toLowerCase() : 'string';
  const v = tag.value;
  switch (type) {
    case 'bool':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === 'false') return v === 'true';
      break;
    case 'int64':
      if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
      if (typeof v === 'string' && /^-?\d{1,20}$/.test(v)) {
        const b = BigInt(v);
        return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
      }
      break;
    case 'float64':
      if (typeof v === 'number') return v;
      if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
      break;
    case 'binary':
      if (typeof v === 'string') return decodeBase64Bytes(v, ctx);
      break;
    default:
      if (typeof v === 'string') return ctx.str(v);
  }
  if (v === undefined || v === null) return null;
  ctx.count('badValue');
  return ctx.str(typeof v === 'string' ? v : safeStringify(v));
}

export function decodeTags(list: unknown, ctx: ConversionContext): Attributes {
  const out: Attributes = {};
  let kept = 0;
  for (const tag of asArray(list)) {
    if (!isRecord(tag) || typeof tag.key !== 'string') {
      ctx.count('badValue');
      continue;
    }
    const key = ctx.str(tag.key);
    if (!Object.hasOwn(out, key)) {
      if (kept >= ctx.limits.maxAttributesPerSpan) {
        ctx.count('droppedAttributes');
        continue;
      }
      kept++;
    }
    setAttribute(out, key, decodeTagValue(tag, ctx));
  }
  return out;
}

function take(attrs: Attributes, key: string): AttributeValue | undefined {
  if (!Object.hasOwn(attrs, key)) return undefined;
  const v = attrs[key];
  delete attrs[key];
  return v;
}

export function convertProcess(p: unknown, ctx: ConversionContext): Resource {
  if (!isRecord(p)) return { serviceName: UNKNOWN_SERVICE, attributes: {} };
  const attributes = decodeTags(p.tags, ctx);
  const name = asString(p.serviceName);
  const serviceName = name ? ctx.str(name) : UNKNOWN_SERVICE;
  if (!Object.hasOwn(attributes, 'service.name') && name) attributes['service.name'] = serviceName;
  return { serviceName, attributes };
}

function convertLogs(list: unknown, ctx: ConversionContext): SpanEvent[] {
  const items = asArray(list);
  const max = ctx.limits.maxEventsPerSpan;
  if (items.length > max) ctx.count('droppedEvents', items.length - max);
  const out: SpanEvent[] = [];
  for (const log of items.slice(0, max)) {
    if (!isRecord(log)) continue;
    let time = microsToNanos(log.timestamp);
    if (time === undefined || time < 0n) {
      ctx.count('badEvent');
      time = MISSING_TIME;
    }
    const attributes = decodeTags(log.fields, ctx);
    const name = take(attributes, 'event');
    out.push({ timeUnixNano: time, name: typeof name === 'string' ? name : '', attributes });
  }
  return out;
}

/** Converts the spans of Jaeger v1 traces (`{traceID, spans, processes, warnings}` objects). */
export function convertJaegerTraces(traces: unknown[], ctx: ConversionContext, out: Span[] = []): Span[] {
  for (const t of traces) {
    if (!isRecord(t)) continue;
    const processes = new Map<string, Resource>();
    const procs = isRecord(t.processes) ? t.processes : {};
    const resourceFor = (id: string, inline: unknown): Resource => {
      if (inline !== undefined) return convertProcess(inline, ctx);
      let r = processes.get(id);
      if (!r) processes.set(id, (r = convertProcess(Object.hasOwn(procs, id) ? procs[id] : undefined, ctx)));
      return r;
    };
    for (const w of asArray(t.warnings)) if (typeof w === 'string') ctx.note(ctx.str(w));
    for (const raw of asArray(t.spans)) {
      if (out.length >= ctx.limits.maxSpans) {
        ctx.count('droppedSpans');
        continue;
      }
      const span = convertSpan(raw, resourceFor, ctx);
      if (span) out.push(span);
    }
  }
  return out;
}

/** One span object of a trace; `resourceFor` gives its process (`inline`: a `process` field of the span). */
export function convertSpan(s: unknown, resourceFor: (id: string, inline: unknown) => Resource, ctx: ConversionContext): Span | undefined {
  if (!isRecord(s)) {
    ctx.count('badSpan');
    return undefined;
  }
  const traceId = decodeId(s.traceID, 16);
  const spanId = decodeId(s.spanID, 8);
  if (!traceId || !spanId) {
    ctx.count('badSpan');
    return undefined;
  }
  const attributes = decodeTags(s.tags, ctx);
  const kindTag = take(attributes, 'span.kind');
  const statusTag = take(attributes, 'otel.status_code');
  const statusMessage = take(attributes, 'otel.status_description');
  let code: StatusCode = 'unset';
  if (typeof statusTag === 'string') code = statusTag.toUpperCase() === 'ERROR' ? 'error' : statusTag.toUpperCase() === 'OK' ? 'ok' : 'unset';
  const errorTag = attributes.error;
  if ((errorTag === true || errorTag === 'true') && code !== 'ok') {
    code = 'error';
    delete attributes.error;
  }
  const scopeName = take(attributes, 'otel.scope.name') ?? take(attributes, 'otel.library.name');
  const scopeVersion = take(attributes, 'otel.scope.version') ?? take(attributes, 'otel.library.version');
  const traceState = take(attributes, 'w3c.tracestate');

  let parentSpanId: string | undefined;
  let parentIndex = -1;
  const refs = asArray(s.references);
  for (const pass of ['CHILD_OF', 'FOLLOWS_FROM']) {
    if (parentIndex >= 0) break;
    refs.forEach((r, i) => {
      if (parentIndex >= 0 || !isRecord(r) || String(r.refType).toUpperCase() !== pass) return;
      if (decodeId(r.traceID, 16) !== traceId) return;
      const id = decodeId(r.spanID, 8);
      if (id) {
        parentSpanId = id;
        parentIndex = i;
      }
    });
  }
  // Older Jaeger clients put the parent in `parentSpanID` without a reference.
  if (parentSpanId === undefined && typeof s.parentSpanID === 'string') parentSpanId = decodeId(s.parentSpanID, 8);

  const links: SpanLink[] = [];
  refs.forEach((r, i) => {
    if (i === parentIndex || !isRecord(r)) return;
    if (links.length >= ctx.limits.maxLinksPerSpan) {
      ctx.count('droppedLinks');
      return;
    }
    const lt = decodeId(r.traceID, 16);
    const ls = decodeId(r.spanID, 8);
    if (!lt || !ls) ctx.count('badLink');
    else links.push({ traceId: lt, spanId: ls, attributes: {} });
  });

  const start = microsToNanos(s.startTime);
  const duration = microsToNanos(s.duration);
  const span: Span = {
    traceId,
    spanId,
    name: ctx.str(asString(s.operationName) ?? ''),
    kind: typeof kindTag === 'string' ? decodeKind(kindTag) : 'unspecified',
    startTimeUnixNano: start !== undefined && start >= 0n ? start : MISSING_TIME,
    endTimeUnixNano: start !== undefined && start >= 0n && duration !== undefined ? start + duration : MISSING_TIME,
    attributes,
    events: convertLogs(s.logs, ctx),
    links,
    status: { code },
    resource: resourceFor(asString(s.processID) ?? '', s.process),
    scope: { name: typeof scopeName === 'string' ? scopeName : '' },
  };
  if (parentSpanId) span.parentSpanId = parentSpanId;
  if (typeof scopeVersion === 'string' && scopeVersion) span.scope.version = scopeVersion;
  if (typeof statusMessage === 'string' && statusMessage) span.status.message = statusMessage;
  if (typeof traceState === 'string' && traceState) span.traceState = traceState;
  for (const w of asArray(s.warnings)) if (typeof w === 'string') ctx.note(`Span ${spanId}: ${ctx.str(w)}`);
  return span;
}
